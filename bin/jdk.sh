# Sourced by bin/uarpd, bin/uarpctl, bin/test and .ci/run: finds a JDK 25 or newer and exports JAVA_HOME;
# uarpd_ensure_jar (re)builds the distribution the launchers run when it is missing or stale.
uarpd_java_major() { # JAVA_HOME -> major version number, or 0
  local v
  # The image's release file when it has one (every JDK since 9): starting a JVM to ask costs
  # about 0.1 s, at every bin/uarpd and bin/uarpctl command.
  v=$(sed -n 's/^JAVA_VERSION="\([0-9.]*\).*/\1/p' "$1/release" 2>/dev/null)
  [ -n "$v" ] || v=$("$1/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')
  v=${v#1.}                                # Java 8 and older say "1.8"
  v=${v%%.*}                               # "25.0.3" -> 25
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

# The distribution jar is stale when missing or older than any source, POM or main resource (neither
# bench nor dist, which packages it, is part of it). $1: the repository root.
uarpd_jar_stale() {
  local root="$1" jar="$1/daemon/target/uarpd.jar"
  [ ! -f "$jar" ] && return 0
  # A source directory newer than the jar had a file deleted or renamed in it: stale too.
  [ -n "$(find "$root" \( -path "$root/bench" -o -path "$root/dist" -o -path "$root/.git" -o -name target \) -prune -o \
      \( -name '*.java' -o -name 'pom.xml' -o -path '*/src/main/resources/*' -o \( -type d -path '*/src/*' \) \) \
      -newer "$jar" -print -quit 2>/dev/null)" ]
}
# Builds daemon/target/uarpd.jar when stale (offline first, then online); one place for bin/uarpd and
# bin/uarpctl, so neither runs an old build of the other's code. $1: the repository root.
uarpd_ensure_jar() {
  local root="$1" jar="$1/daemon/target/uarpd.jar" log
  uarpd_jar_stale "$root" || return 0
  echo "uarpd: building the distribution (mvn package)..." >&2
  # Maven's output is kept aside and shown only if the build fails: Maven 3.8 writes ANSI colour
  # resets even in quiet batch mode, which would otherwise clutter the command's own output.
  log="$(mktemp "${TMPDIR:-/tmp}/uarpd-build.XXXXXX")"
  if ! (cd "$root" && { mvn -q -B -o -DskipTests -pl daemon -am package >"$log" 2>&1 \
          || mvn -q -B -DskipTests -pl daemon -am package >"$log" 2>&1; }); then
    cat "$log" >&2
    rm -f "$log"
    echo "uarpd: build failed; run 'mvn -pl daemon -am package' in $root to see why" >&2
    return 1
  fi
  rm -f "$log"
  touch "$jar"
}
