#!/bin/sh
# Rebuild one of the bug kernels of docs/bug-kernels.md and capture a trace with it.
#
# usage: scripts/bug-kernel.sh BUG WORK OUTDIR [kernel args...]
#   BUG    a folder of fixtures/bug-6.1/ (its bug.diff is the kernel change)
#   WORK   a workload of shared/lab/kernel/init.sh (hmm, fsdax, pin, compact, numa_unpin, zram, mixed, ...)
#   OUTDIR where the guest's trace.txt and side files go
#   kernel args: as in the fixture's cmdline.txt after klab.work=, e.g. klab.tests=migrate_fault
#
# Needs the lab's kernel tree and initramfs, built once as shared/lab/kernel/README.md says
# (build-kernel.sh, build-initramfs.sh; default KLAB=/tmp/klab), and qemu-system-x86. The
# tree is patched for the build and restored after it, so it stays the clean kernel's.
set -eu
BUG=$1; WORK=$2; OUTDIR=$3; shift 3
HERE=$(cd "$(dirname "$0")/.." && pwd)
LAB=${LAB:-$HERE/../shared/lab}
KLAB=${KLAB:-/tmp/klab}
SRC=$KLAB/linux-source-6.1
DIFF=$HERE/fixtures/bug-6.1/$BUG/bug.diff
[ -f "$DIFF" ] || { echo "bug-kernel: no $DIFF" >&2; exit 2; }
[ -f "$SRC/.config" ] || { echo "bug-kernel: no built kernel tree in $SRC (run $LAB/kernel/build-kernel.sh first)" >&2; exit 2; }
[ -f "$KLAB/initramfs.cpio.gz" ] || { echo "bug-kernel: no $KLAB/initramfs.cpio.gz (run $LAB/kernel/build-initramfs.sh first)" >&2; exit 2; }
KERNEL=$KLAB/kernels/$BUG.bzImage
if [ ! -f "$KERNEL" ]; then
  mkdir -p "$KLAB/kernels"
  (cd "$SRC" && patch -p1 --forward < "$DIFF")
  # restore the clean tree whatever happens to the build
  trap '(cd "$SRC" && patch -p1 -R < "$DIFF" >/dev/null)' EXIT
  (cd "$SRC" && nice make ARCH=x86_64 -j"$(nproc)" bzImage >/dev/null)
  cp "$SRC/arch/x86/boot/bzImage" "$KERNEL"
  (cd "$SRC" && patch -p1 -R < "$DIFF" >/dev/null)
  trap - EXIT
fi
KERNEL=$KERNEL "$LAB/kernel/run-guest.sh" "$WORK" "$OUTDIR" no_hash_pointers "$@"
