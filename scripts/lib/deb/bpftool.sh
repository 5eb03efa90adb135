# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
# The bpftool package of scripts/deb (sourced by it). Debian builds
# bpftool from src:linux (the whole kernel source package); instead the
# bpftool of $TREE is built and packaged as it is with dpkg-deb (binary,
# bash completion, man pages), Depends: tcx-apt-config. Its version is
# Debian's bpftool version of the base with +0tcx<N>, e.g.
# 7.1.0+6.1.192-3+0tcx1 (the series' bpftool says 7.3.0): just above
# Debian's bpftool of the same kernel (7.1.0+6.1.192-3), below that of
# Debian's next kernel (7.1.0+6.1.200-1), which replaces ours.
# Texts: templates/bpftool-*.in.

# bpftool_debian_version: Debian's bpftool version of the base kernel
# (<bpftool version>+<base Debian version>), as the archive says it
bpftool_debian_version() {
	local v
	v=$(apt-cache madison bpftool 2>/dev/null | awk -v b="+$BASE_DEB_VERSION" '
		{ v = $3; if (substr(v, length(v) - length(b) + 1) == b) { print v; exit } }')
	[ -n "$v" ] || die "apt knows no bpftool <version>+$BASE_DEB_VERSION (Debian's bpftool of the base): run apt-get update"
	echo "$v"
}

# bpftool_stage STAGE: build the tree's bpftool and its man pages and
# install them into the directory STAGE as the package holds them.
bpftool_stage() {
	local stage=$1 out=$WORK/bpftool/build/ m
	mkdir -p "$out/doc"
	run_logged deb-bpftool-build make -C "$TREE/tools/bpf/bpftool" -j"$JOBS" "${LLVM[@]}" OUTPUT="$out"
	run_logged deb-bpftool-doc make -C "$TREE/tools/bpf/bpftool/Documentation" OUTPUT="$out/doc/"
	rm -rf "$stage"
	run_logged deb-bpftool-install make -C "$TREE/tools/bpf/bpftool" "${LLVM[@]}" OUTPUT="$out" \
		prefix=/usr DESTDIR="$stage" install
	run_logged deb-bpftool-install-doc make -C "$TREE/tools/bpf/bpftool/Documentation" \
		OUTPUT="$out/doc/" prefix=/usr mandir=/usr/share/man DESTDIR="$stage" install
	strip --remove-section=.comment --remove-section=.note --strip-unneeded "$stage/usr/sbin/bpftool"
	for m in "$stage"/usr/share/man/man8/*.8; do gzip -9n "$m"; done
}

# bpftool_depends STAGE: the Depends of STAGE's bpftool, as dh_shlibdeps
# computes it
bpftool_depends() {
	local dir=$WORK/bpftool/shlibdeps deps
	rm -rf "$dir"; mkdir -p "$dir/debian"
	printf 'Source: bpftool\n\nPackage: bpftool\nArchitecture: any\n' > "$dir/debian/control"
	deps=$(cd "$dir" && dpkg-shlibdeps -O -e"$1/usr/sbin/bpftool" 2>/dev/null | sed -n 's/^shlibs:Depends=//p')
	[ -n "$deps" ] || die "dpkg-shlibdeps found no dependencies for bpftool"
	echo "$deps"
}

deb_bpftool() {
	local stage=$WORK/bpftool/stage bv dv ver doc deps
	[ -f "$TREE/Makefile" ] || die "no kernel tree in $TREE: run 'make tree' first"
	bpftool_stage "$stage"
	bv=$("$stage/usr/sbin/bpftool" --version | sed -n '1s/^[^ ]*bpftool v\([0-9.]*\)$/\1/p')
	[ -n "$bv" ] || die "cannot tell the version of $stage/usr/sbin/bpftool"
	dv=$(bpftool_debian_version) ver=$dv$SUFFIX
	doc=$stage/usr/share/doc/bpftool
	mkdir -p "$doc"
	deb_fill bpftool-copyright BASE_DEB_VERSION="$BASE_DEB_VERSION" > "$doc/copyright"
	deb_fill bpftool-changelog VERSION="$ver" BASE_DEB_VERSION="$BASE_DEB_VERSION" MAINTAINER="$MAINTAINER" \
		DATE="$(git -C "$TOP" log -1 --format=%aD 2>/dev/null || date -R)" | gzip -9n > "$doc/changelog.Debian.gz"
	deps=$(bpftool_depends "$stage")
	mkdir -p "$stage/DEBIAN"
	deb_fill bpftool-control VERSION="$ver" ARCH="$ARCH" MAINTAINER="$MAINTAINER" \
		INSTALLED_SIZE="$(du -sk --exclude=DEBIAN "$stage" | cut -f1)" DEPENDS="$deps, tcx-apt-config" \
		BASE_PKG="$BASE_PKG" BASE_DEB_VERSION="$BASE_DEB_VERSION" DEBIAN_VERSION="$dv" BV="$bv" \
		> "$stage/DEBIAN/control"
	rm -f "$DEB_OUT"/bpftool_*tcx*_"$ARCH".deb
	deb_pack "$stage" "$DEB_OUT/bpftool_${ver}_$ARCH.deb"
}
