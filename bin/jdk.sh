# Sourced by bin/uarpd, bin/test and .ci/run: finds a JDK 25 or newer and exports JAVA_HOME.
uarpd_java_major() { # JAVA_HOME -> major version number, or 0
  local v
  v=$("$1/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')
  v=${v#1.}                                # Java 8 and older say "1.8"
  case "$v" in ''|*[!0-9]*) v=0 ;; esac     # anything unreadable counts as too old
  echo "$v"
}
uarpd_find_jdk() {
  local candidate
  # A JDK, not a JRE: bin/uarpd and bin/test compile.
  if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/javac" ] && [ "$(uarpd_java_major "$JAVA_HOME")" -ge 25 ]; then
    return 0
  fi
  for candidate in /usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/*; do
    if [ -x "$candidate/bin/javac" ] && [ "$(uarpd_java_major "$candidate")" -ge 25 ]; then
      export JAVA_HOME="$candidate"
      return 0
    fi
  done
  echo "uarpd: no JDK 25 or newer found (looked at \$JAVA_HOME and /usr/lib/jvm/*)." >&2
  echo "uarpd: install one (e.g. Temurin 25) under /usr/lib/jvm or point JAVA_HOME at it." >&2
  return 1
}
uarpd_find_jdk || exit 1
export PATH="$JAVA_HOME/bin:$PATH"
export MAVEN_OPTS="${MAVEN_OPTS:---sun-misc-unsafe-memory-access=allow}"
