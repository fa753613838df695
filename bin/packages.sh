# Sourced by bin/test and bin/uarpd: the Debian packages the lab and the tests use, and one way to get
# them. As root the missing ones are installed with apt-get; otherwise the exact command is printed.

# What `uarpd lab` runs (LabCommand.missingTools names the same tools): ip, nft, ping, arping,
# arp-scan, setsid and scapy.
UARPD_LAB_PACKAGES=(iproute2 nftables iputils-ping iputils-arping arp-scan util-linux python3-scapy)
# What the tests run besides: captures and dissectors, peers, setpriv (util-linux), capsh, the
# flood generator trafgen (netsniff-ng), etcd for fleet mode, ndisc6 (IPv6 neighbour solicitations
# from a peer), and for the package round trip dpkg, adduser/passwd (the package's dependencies),
# man-db and systemd-analyze (systemd).
UARPD_TEST_PACKAGES=("${UARPD_LAB_PACKAGES[@]}" tcpdump tshark dsniff parprouted libcap2-bin
  netsniff-ng etcd-server ndisc6 dpkg adduser passwd man-db systemd)

# Prints the packages among "$@" that are not installed, one per line.
uarpd_missing_packages() {
  local p
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || echo "$p"
  done
}

# uarpd_install_packages WHO PACKAGE...: installs the missing PACKAGEs as root; otherwise says which
# ones and how, prefixed by WHO, and returns 1. Returns 0 when nothing is missing.
uarpd_install_packages() {
  local who="$1" missing
  shift
  mapfile -t missing < <(uarpd_missing_packages "$@")
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" != 0 ]; then
    echo "$who: missing Debian packages: ${missing[*]}" >&2
    echo "$who: install them with: sudo apt-get install ${missing[*]}" >&2
    return 1
  fi
  echo "$who: installing ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  # tshark would otherwise ask whether non-root users may capture.
  echo "wireshark-common wireshark-common/install-setuid boolean false" | debconf-set-selections
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}
