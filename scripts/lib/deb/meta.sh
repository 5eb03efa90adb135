# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
# The small packages of scripts/deb (sourced by it), made with dpkg-deb
# from scripts/lib/deb/templates/:
#   linux-image-tcx-amd64, linux-headers-tcx-amd64 (deb_kernel_meta, after
#     the kernel packages): Architecture amd64, the version of the kernel
#     build, Depends on exactly that build (= version), as Debian's
#     linux-image-amd64 and linux-headers-amd64 do, and on tcx-apt-config;
#   tcx-apt-config (deb_apt_config): Architecture all,
#     /etc/apt/preferences.d/tcx.pref, which keeps bookworm-backports from
#     replacing our iproute2, bpftool and linux-libc-dev (templates/tcx.pref
#     says how). iproute2, bpftool and the meta-packages depend on it, so
#     whoever installs one of them gets it.

# deb_pack STAGE DEB: the package DEB from the directory STAGE (DEBIAN/
# and the files)
deb_pack() {
	mkdir -p "$(dirname "$2")"
	run_logged "deb-pack-$(basename "${2%%_*}")" dpkg-deb --root-owner-group -Zxz --build "$1" "$2"
	log "$(dpkg-deb -f "$2" Package) $(dpkg-deb -f "$2" Version): ${2#"$TOP"/} ($(du -h "$2" | cut -f1))"
}

deb_kernel_meta() {
	local what name stage
	for what in image headers; do
		name=linux-$what-tcx-amd64 stage=$WORK/meta/$what
		rm -rf "$stage"; mkdir -p "$stage/DEBIAN"
		deb_fill kernel-meta-control NAME="$name" VERSION="$KPKGVER" MAINTAINER="$MAINTAINER" \
			DEPENDS="linux-$what-$KREL (= $KPKGVER), tcx-apt-config" WHAT="$what" KREL="$KREL" \
			BASE_DEB_VERSION="$BASE_DEB_VERSION" DEBIAN_META="linux-$what-amd64" > "$stage/DEBIAN/control"
		rm -f "$DEB_OUT/${name}_${KPKGVER}_amd64.deb"
		deb_pack "$stage" "$DEB_OUT/${name}_${KPKGVER}_amd64.deb"
	done
}

deb_apt_config() {
	local stage=$WORK/apt-config ver=$KPKGVER
	rm -rf "$stage"; mkdir -p "$stage/DEBIAN" "$stage/etc/apt/preferences.d"
	deb_fill tcx.pref > "$stage/etc/apt/preferences.d/tcx.pref"
	deb_fill tcx-apt-config-control VERSION="$ver" MAINTAINER="$MAINTAINER" > "$stage/DEBIAN/control"
	# dpkg keeps an admin's edits of a conffile across upgrades
	echo /etc/apt/preferences.d/tcx.pref > "$stage/DEBIAN/conffiles"
	rm -f "$DEB_OUT"/tcx-apt-config_*_all.deb
	deb_pack "$stage" "$DEB_OUT/tcx-apt-config_${ver}_all.deb"
}
