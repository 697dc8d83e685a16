#!/usr/bin/env bash
# How long a new user waits for the first round of scripts/demo.sh on a fresh Debian 12
# machine, installation included: builds a minimal Debian 12 system with debootstrap
# (minbase plus git, sudo and CA certificates), copies this machine's Go in (the README's
# one prerequisite), clones this checkout's HEAD into it and runs scripts/demo.sh there,
# printing every line of its output with the seconds since the start. The first round
# starts at the "plan:" line. Needs root and the Debian mirror.
#
#   sudo scripts/fresh_demo_time.sh [WORK_DIR]      (default /var/tmp/tracebench-fresh; removed first)
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
work=${1:-/var/tmp/tracebench-fresh}
root="$work/root"
goroot=$(PATH="$PATH:/usr/local/go/bin" go env GOROOT)

[ "$(id -u)" -eq 0 ] || { echo "fresh_demo_time: needs root (debootstrap, chroot, mount)" >&2; exit 1; }
command -v debootstrap >/dev/null || apt-get install -y -qq debootstrap >/dev/null

rm -rf "$work"
mkdir -p "$work"
echo "fresh_demo_time: debootstrap bookworm into $root"
debootstrap --variant=minbase --include=ca-certificates,git,sudo bookworm "$root" http://deb.debian.org/debian \
  >"$work/debootstrap.log" 2>&1
mkdir -p "$root/usr/local"
cp -a "$goroot" "$root/usr/local/go"
git clone -q "$repo" "$root/root/tracebench"
cp /etc/resolv.conf "$root/etc/resolv.conf"

mount -t proc proc "$root/proc"
mount -t sysfs sys "$root/sys"
mount --bind /dev "$root/dev"
trap 'umount "$root/dev" "$root/sys" "$root/proc" 2>/dev/null || true' EXIT
echo "fresh_demo_time: scripts/demo.sh in the fresh system (load average $(cut -d' ' -f1-3 /proc/loadavg))"
chroot "$root" /usr/bin/env -i HOME=/root PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
  /bin/bash -c 'cd /root/tracebench && scripts/demo.sh 2>&1' | python3 -u -c '
import sys, time
t0 = time.time()
first = None
for line in sys.stdin:
    t = time.time() - t0
    if first is None and line.startswith("plan:"):
        first = t
    print(f"{t:7.1f}s  {line}", end="")
print(f"fresh_demo_time: first round after {first:.0f} s" if first is not None else "fresh_demo_time: no round started")
'
