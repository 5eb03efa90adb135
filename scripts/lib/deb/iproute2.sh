# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
# The iproute2 packages of scripts/deb (sourced by it): Debian's iproute2
# source package of iproute2/base-version (scripts/iproute2 fetch) with
# iproute2/patches/ added to debian/patches (debian/patches/tcx/, appended
# to the series), Depends: tcx-apt-config added to the iproute2 package
# (scripts/lib/deb/meta.sh) and a changelog entry <version>+0tcx<N> by the
# repository's git identity (templates/iproute2-changelog.in), built with
# 'dpkg-buildpackage -us -uc -b'. Missing build dependencies are installed
# with 'apt-get build-dep' on the unpacked source.

# iproute2_series: the file names of iproute2/patches/, in series order
iproute2_series() {
	(cd "$TOP/iproute2/patches" && list_entries series)
}

deb_iproute2() {
	local dsc ver src dir sum p date newver stamp=$DEB_OUT/.iproute2-inputs
	dsc=$("$TOP/scripts/iproute2" fetch)
	ver=$(sed -n 's/^Version: //p' "$dsc")
	newver=$ver$SUFFIX
	sum=$( {
		echo "$newver $MAINTAINER"
		iproute2_series | while read -r p; do cat "$TOP/iproute2/patches/$p"; done
	} | sha1sum | cut -c1-40)
	if [ "$(cat "$stamp" 2>/dev/null)" = "$sum" ] && [ -f "$DEB_OUT/iproute2_${newver}_$ARCH.deb" ]; then
		log "iproute2 $newver packages up to date in ${DEB_OUT#"$TOP"/}"
		return
	fi
	dir=$WORK/iproute2
	src=$dir/iproute2-${ver%-*}
	rm -rf "$dir"; mkdir -p "$dir"
	run_logged deb-iproute2-unpack dpkg-source --no-check -x "$dsc" "$src"
	mkdir -p "$src/debian/patches/tcx"
	{
		echo "# tcx for Linux 6.1: tc and ip show tcx programs (iproute2/patches/)"
		iproute2_series | while read -r p; do
			cp "$TOP/iproute2/patches/$p" "$src/debian/patches/tcx/"
			echo "tcx/$p"
		done
	} >> "$src/debian/patches/series"
	sed -i '/^Package: iproute2$/,/^$/ s/^Depends: /Depends: tcx-apt-config, /' "$src/debian/control"
	grep -q '^Depends: tcx-apt-config, ' "$src/debian/control" || die "no Depends of iproute2 in $src/debian/control"
	# the changelog entry: what dch --local +tcx would add, dated by the
	# last change of the series (reproducible)
	date=$(git -C "$TOP" log -1 --format=%aD -- iproute2/patches 2>/dev/null || true)
	date=${date:-$(date -R)}
	{
		deb_fill iproute2-changelog VERSION="$newver" MAINTAINER="$MAINTAINER" DATE="$date"
		cat "$src/debian/changelog"
	} > "$dir/changelog"
	mv "$dir/changelog" "$src/debian/changelog"
	if ! (cd "$src" && dpkg-checkbuilddeps) 2>/dev/null; then
		run_logged deb-iproute2-build-dep as_root env DEBIAN_FRONTEND=noninteractive \
			apt-get build-dep -y -q --no-install-recommends "$src"
	fi
	run_logged deb-iproute2-build env -C "$src" dpkg-buildpackage -us -uc -b -j"$JOBS"
	mkdir -p "$DEB_OUT"
	rm -f "$DEB_OUT"/iproute2*_"$ver"+*tcx*
	mv -f "$dir"/*"_$newver"_* "$DEB_OUT/"
	echo "$sum" > "$stamp"
	log "iproute2 $newver packages in ${DEB_OUT#"$TOP"/}:"
	for p in "$DEB_OUT"/iproute2*_"$newver"_*.deb; do log "  $(basename "$p") ($(du -h "$p" | cut -f1))"; done
}
