# SPDX-License-Identifier: GPL-2.0
# Shared helpers for the tcx-6.1 tooling. Source it, do not run it.
# shellcheck shell=bash
# shellcheck disable=SC2034 # the settings here are used by the scripts sourcing it

set -euo pipefail

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
BUILD=${BUILD:-$TOP/build}
LOGDIR=${LOGDIR:-$BUILD/logs}
CACHE=${TCX_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/tcx61}

# repo_ident name|email: the git identity of the repository's checkout,
# or, where git has none (a fresh machine), the tooling's own, tcx61
# <tcx61@localhost>. It commits in the build tree (each patch keeps its
# author), signs package changelogs and names the repository key.
repo_ident() {
	case $1 in
	name) git -C "$TOP" config user.name || echo tcx61 ;;
	email) git -C "$TOP" config user.email || echo tcx61@localhost ;;
	*) die "repo_ident $1: name or email" ;;
	esac
}

# The Debian source package version the series is maintained against:
# the pin is configs/base-version (make rebase moves it). BASE_VERSION=
# asks for another version; $BASE_DIR/../VERSION records the version
# that was really unpacked (base_unpacked).
BASE_PKG=linux-source-6.1
BASE_VERSION=${BASE_VERSION:-$(cat "$TOP/configs/base-version")}
BASE_SUBLEVEL=${BASE_VERSION%%-*}
BASE_SUBLEVEL=${BASE_SUBLEVEL##*.}
BASE_DIR=$BUILD/base/linux-source-6.1

# The Debian version of the unpacked base source, or nothing.
base_unpacked() {
	cat "$BUILD/base/VERSION" 2>/dev/null || true
}
# The Debian version the packages are made from: the unpacked base's,
# else the pin.
base_deb_version() {
	local v
	v=$(base_unpacked)
	echo "${v:-$BASE_VERSION}"
}
# debian_abi [VERSION]: the ABI name of Debian's kernel of VERSION (the
# base by default), e.g. 6.1.0-57 for 6.1.192-3, as the archive says it:
# the image package linux-image-amd64=VERSION depends on,
# linux-image-<ABI>-amd64. Dies when apt does not know that version.
debian_abi() {
	local ver=${1:-$BASE_VERSION} abi
	abi=$(apt-cache show "linux-image-amd64=$ver" 2>/dev/null |
		sed -n 's/^Depends: linux-image-\(6\.1\.[0-9]*-[0-9]*\)-amd64 (= .*/\1/p' | head -n 1)
	[ -n "$abi" ] || die "apt knows no linux-image-amd64 $ver (its Depends names Debian's ABI): run apt-get update, or set BASE_VERSION= to a version of the archive"
	echo "$abi"
}
TREE=${TREE:-$BUILD/linux}
FLAVOUR=${FLAVOUR:-debug}
# The kernel is built in a direct subdirectory of its tree: Kbuild then
# uses relative paths (srctree = ..), so compiler command lines, and with
# them ccache hits, do not depend on where the tree lives (a second clone,
# a developer tree given by TREE=...). build/kernel-$FLAVOUR links to it.
# KBUILD_OUTPUT, kbuild's own name for O=, is taken as well.
KBUILD_OUT=${KBUILD_OUT:-${KBUILD_OUTPUT:-$TREE/.kbuild-$FLAVOUR}}
TOOLS_OUT=${TOOLS_OUT:-$BUILD/tools-$FLAVOUR}
# tc and ip of Debian's iproute2 with our iproute2/patches/ (scripts/iproute2):
# the source tree in $IPROUTE2_OUT/src, the binaries in $IPROUTE2_OUT/bin,
# first in the guest's PATH (scripts/vm).
IPROUTE2_OUT=$(realpath -m "${IPROUTE2_OUT:-$BUILD/iproute2}")
TREE=$(realpath -m "$TREE") KBUILD_OUT=$(realpath -m "$KBUILD_OUT") TOOLS_OUT=$(realpath -m "$TOOLS_OUT")
export TREE FLAVOUR KBUILD_OUT TOOLS_OUT
# kernel_image OUT: the bootable image of the kernel built in OUT.
kernel_image() { printf '%s\n' "$1/arch/x86/boot/bzImage"; }
# The kernel image of $KBUILD_OUT, what scripts/vm boots by default.
KERNEL_IMAGE=$(kernel_image "$KBUILD_OUT")

# The BPF toolchain: Debian 12's LLVM 16, named once. CLANG for direct
# calls, LLVM for the make variables of the kernel's tools/ Makefiles.
LLVM_SUFFIX=${LLVM_SUFFIX:--16}
CLANG=clang$LLVM_SUFFIX
LLVM=(CLANG="$CLANG" LLC="llc$LLVM_SUFFIX" LLVM_STRIP="llvm-strip$LLVM_SUFFIX"
	LLVM_OBJCOPY="llvm-objcopy$LLVM_SUFFIX" LLVM_READELF="llvm-readelf$LLVM_SUFFIX"
	LLVM_OBJDUMP="llvm-objdump$LLVM_SUFFIX")
# Build logs are named after the step; runs against another tree or output
# directory (TREE=/KBUILD_OUT=/TOOLS_OUT= overrides) get a suffix of their
# own so that concurrent pipelines do not overwrite each other's logs.
if [ "$TREE:$KBUILD_OUT:$TOOLS_OUT" = "$BUILD/linux:$BUILD/linux/.kbuild-$FLAVOUR:$BUILD/tools-$FLAVOUR" ]; then
	LOGTAG=
else
	LOGTAG=-$(printf '%s' "$TREE:$KBUILD_OUT:$TOOLS_OUT" | sha1sum | cut -c1-8)
fi

# Reproducible build identity, so ccache hits across runs and machines.
export KBUILD_BUILD_TIMESTAMP=${KBUILD_BUILD_TIMESTAMP:-'Thu Jan  1 00:00:00 UTC 2026'}
export KBUILD_BUILD_USER=tcx KBUILD_BUILD_HOST=tcx61
export CCACHE_DIR=${CCACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/ccache}
export CCACHE_MAXSIZE=${CCACHE_MAXSIZE:-20G}
export CCACHE_SLOPPINESS=${CCACHE_SLOPPINESS:-time_macros,include_file_mtime,include_file_ctime}
# Debug info names the build directory; it must not split the cache.
export CCACHE_NOHASHDIR=${CCACHE_NOHASHDIR:-true}

JOBS=${JOBS:-$(nproc)}

# kmake OUT ARGS...: the one make of the kernel tree $TREE, built out of
# tree in OUT (ARGS: make variables such as LOCALVERSION=, and targets).
# kmake --print OUT ARGS... prints the command line, quoted, instead.
kmake() {
	local print=0
	if [ "$1" = --print ]; then print=1; shift; fi
	local cmd=(make -C "$TREE" O="$1" ARCH=x86_64 CC="ccache gcc" -j"$JOBS" "${@:2}")
	if [ $print = 1 ]; then printf '%q ' "${cmd[@]}"; echo; else "${cmd[@]}"; fi
}

# kernel_build_lock: one kernel build at a time per machine (fd 9 held
# until exit): a second one waits and then mostly hits ccache instead of
# competing for the same cores; it also keeps two package builds of one
# tree from mixing their files in $TREE (scripts/deb).
# BENCH_BUILD_NOLOCK=1 builds alongside (scripts/bench: two small builds,
# e.g. while a long debug build holds the lock).
kernel_build_lock() {
	[ -z "${BENCH_BUILD_NOLOCK:-}" ] || return 0
	mkdir -p "$CCACHE_DIR"
	exec 9>"$CCACHE_DIR/.tcx-kernel-build.lock"
	if ! flock -n 9; then
		log "another kernel build is running; waiting for it"
		flock 9
	fi
}

log()  { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
warn() { printf '[%s] WARNING: %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die()  { printf '[%s] ERROR: %s\n' "$(date +%H:%M:%S)" "$*" >&2; exit 1; }
# one_file GLOB: the one file matching GLOB (a package of a build, say);
# none or several: a warning that says how many, and status 1.
one_file() {
	local matches=()
	mapfile -t matches < <(compgen -G "$1" || true)
	[ ${#matches[@]} -eq 1 ] || { warn "$1: ${#matches[@]} files"; return 1; }
	echo "${matches[0]}"
}

# run_logged NAME CMD...: run CMD with its output in $LOGDIR/NAME.log,
# show the tail of the log and fail loudly if it fails.
run_logged() {
	local name=$1; shift
	mkdir -p "$LOGDIR"
	local logf=$LOGDIR/$name$LOGTAG.log
	log "$name: $* (log: ${logf#"$TOP"/})"
	if ! "$@" >"$logf" 2>&1; then
		tail -n 40 "$logf" >&2
		die "$name failed, full log: $logf"
	fi
}

# lock_dir DIR: serialise the steps that write into DIR (fd 8 held until exit).
lock_dir() {
	mkdir -p "$1"
	exec 8>"$1/.tcx-lock"
	if ! flock -n 8; then
		log "waiting for another build in $1 to finish"
		flock 8
	fi
}

# build_stress: the stress, fuzz and privilege tests of tests/stress/ into
# $TOOLS_OUT/stress/ (scripts/tools, scripts/stress).
build_stress() {
	mkdir -p "$TOOLS_OUT/stress"
	run_logged tools-stress make -C "$TOP/tests/stress" OUTPUT="$TOOLS_OUT/stress/" \
		UAPI_INCLUDE="$TREE/tools/include/uapi"
}

# flavour_field COLUMN: a column (start, fragments, target, selftests,
# timeout) of $FLAVOUR's line in configs/flavours.
flavour_field() {
	local col
	case $1 in
	start) col=2 ;; fragments) col=3 ;; target) col=4 ;; selftests) col=5 ;; timeout) col=6 ;;
	*) die "flavour_field: unknown column $1" ;;
	esac
	awk -v f="$FLAVOUR" -v c="$col" '$1 == f { print $c; found = 1 } END { exit !found }' \
		<(flavour_lines) ||
		die "unknown FLAVOUR '$FLAVOUR' (configs/flavours has: $(flavour_lines | awk '{ print $1 }' | paste -sd' ' -))"
}
# flavour_lines: the flavours' lines of configs/flavours (its 'kconfig'
# lines are scripts/check-configs' table).
flavour_lines() {
	list_lines "$TOP/configs/flavours" | awk '$1 != "kconfig"'
}

# kconfig_names: the Kconfig combinations of scripts/check-configs, the
# NAMEs of the 'kconfig NAME KEY VALUE...' lines of configs/flavours, in
# order. kconfig_field NAME KEY: the values of NAME's KEY (set, expect,
# build), one per line, from all of its KEY lines.
kconfig_names() {
	list_lines "$TOP/configs/flavours" | awk '$1 == "kconfig" && !seen[$2]++ { print $2 }'
}
kconfig_field() {
	case $2 in
	set|expect|build) ;;
	*) die "kconfig_field: unknown key $2" ;;
	esac
	list_lines "$TOP/configs/flavours" |
		awk -v n="$1" -v k="$2" '$1 == "kconfig" && $2 == n && $3 == k { for (i = 4; i <= NF; i++) print $i }'
}

# list_entries FILE: the entries of a list file (patches/series,
# tests/test_progs.list, tests/test_progs.denylist): the first word of each
# line; blank lines, '#' comment lines and trailing '# ...' comments dropped.
# The one reader of these files: guest-side runners get the entries from
# the host (scripts/vm-test, scripts/check-full).
list_entries() {
	list_lines "$1" | awk '{ print $1 }'
}
# list_lines FILE: the same lines whole (tables such as configs/flavours).
list_lines() {
	sed -e 's/#.*//' "$1" | awk 'NF'
}

# The two patch series, the kernel's (patches/, scripts/export) and
# iproute2's (iproute2/patches/, scripts/iproute2 export), are exported
# alike. series_format GITDIR RANGE SERIES OUT: the commits RANGE of the
# git tree GITDIR as patches in the directory OUT (stable format-patch
# output: no version-dependent noise) and OUT/series.new, the series file
# SERIES with its '#' headings kept in front of their patches
# (scripts/lib/series-headings). Uncommitted changes in GITDIR fail.
series_format() {
	local git=$1 range=$2 series=$3 out=$4
	[ -z "$(git -C "$git" status --porcelain --untracked-files=no)" ] ||
		die "$git has uncommitted changes: commit them first"
	git -C "$git" -c core.abbrev=12 -c diff.noprefix=false format-patch -q \
		--no-signature --zero-commit --no-numbered --full-index \
		--subject-prefix=PATCH -o "$out" "$range" >/dev/null
	(shopt -s nullglob && "$TOP/scripts/lib/series-headings" "$series" "$out"/*.patch) > "$out/series.new"
}
# series_install DIR OUT: the patches and series.new series_format wrote
# to OUT replace DIR's patches and series file.
series_install() {
	rm -f "$1"/*.patch
	cp "$2"/*.patch "$1/" 2>/dev/null || true
	mv "$2/series.new" "$1/series"
	log "exported $(find "$1" -maxdepth 1 -name '*.patch' | wc -l) patches to ${1#"$TOP"/}/"
}

# as_root CMD...: run CMD as root, through sudo when we are not root.
as_root() {
	if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}
