# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
# The kernel packages of scripts/deb (sourced by it), named like a Debian
# kernel flavour: for the base 6.1.192-3, whose Debian image is
# linux-image-6.1.0-57-amd64 (ABI 6.1.0-57, debian_abi), the release
# (uname -r) is 6.1.0-57-tcx-amd64 and the packages, version
# 6.1.192-3+tcx<TCX_UPLOAD>, are linux-image-6.1.0-57-tcx-amd64,
# linux-headers-6.1.0-57-tcx-amd64, linux-libc-dev (and
# linux-image-6.1.0-57-tcx-amd64-dbg when the config has DEBUG_INFO),
# plus the meta-packages linux-image-tcx-amd64 and linux-headers-tcx-amd64
# that depend on exactly this build, as Debian's linux-image-amd64 does
# (scripts/lib/deb/meta.sh). The kernel's own 'bindeb-pkg' of $TREE makes
# them: KERNELRELEASE= on its command line overrides the release kbuild
# computes (Debian's packaging does the same), KDEB_PKGVERSION sets the
# package version, whose revision (3+tcx1) becomes the build number of
# 'uname -v' (#3+tcx1: which build booted). Built out of tree in
# $DEB_KBUILD_OUT ($TREE/.kbuild-deb) from $CONFIG: by default Debian's own
# amd64 config, /boot/config-* of the linux-image-6.1.0-N-amd64 package of
# the base's Debian version (the one linux-image-amd64 of that version
# depends on), fetched with 'apt-get download' into the download cache
# and never installed. The trusted and revocation key lists of the config
# (Debian's signing certificates, not in the source) are cleared.
# bindeb-pkg writes the packages to the parent of the output directory,
# i.e. into $TREE, where 'make tree' would 'git clean' them: they are
# moved to $DEB_OUT. With SIGN_KEY= and SIGN_CERT= the image package is
# then signed for Secure Boot (scripts/lib/deb/sign.sh; the inputs and the
# config are checked before the build). kernel-config
# (deb_kernel_config) stops after the configuration (olddefconfig) and
# prints the bindeb-pkg command line.

# kernel_log_name: the log name of the kernel steps, after the output
# directory: deb-kernel (.kbuild-deb), deb-kernel-debug (.kbuild-debug:
# check-deb)...
kernel_log_name() {
	local n=${DEB_KBUILD_OUT##*/}
	n=deb-kernel-${n#.kbuild-}
	echo "${n%-deb}"
}

# debian_config: print the path of Debian's amd64 kernel config matching
# the base (downloaded and extracted once, kept in the cache).
debian_config() {
	local pkg ver=$BASE_DEB_VERSION deb cfg
	pkg=linux-image-$(debian_abi "$ver")-amd64
	cfg=$CACHE/config-${pkg#linux-image-}_$ver
	if [ ! -s "$cfg" ]; then
		mkdir -p "$CACHE"
		deb=$CACHE/${pkg}_${ver//:/%3a}_amd64.deb
		if [ ! -f "$deb" ]; then
			log "downloading $pkg=$ver into $CACHE (for its /boot/config-*; not installed)"
			(cd "$CACHE" && apt-get download -q "$pkg=$ver" >&2) || die "apt-get download $pkg=$ver failed"
		fi
		dpkg-deb --fsys-tarfile "$deb" | tar -xO --wildcards './boot/config-*' > "$cfg.tmp" ||
			die "no /boot/config-* in $deb"
		[ -s "$cfg.tmp" ] || die "no /boot/config-* in $deb"
		mv "$cfg.tmp" "$cfg"
	fi
	echo "$cfg"
}

# kernel_configure: configure $DEB_KBUILD_OUT from $CONFIG (Debian's
# config by default) when it changed; set KREL, the flavour's release, and
# BINDEB, the kmake arguments of its bindeb-pkg.
kernel_configure() {
	local config=${CONFIG:-} inputs stamp=$DEB_KBUILD_OUT/.tcx-deb-config-inputs
	[ -f "$TREE/Makefile" ] || die "no kernel tree in $TREE: run 'make tree' first"
	KREL=$(debian_abi "$BASE_DEB_VERSION")-tcx-amd64
	[ -n "$config" ] || config=$(debian_config)
	[ -s "$config" ] || die "CONFIG=$config: no such kernel config"
	config=$(realpath "$config")
	mkdir -p "$DEB_KBUILD_OUT"
	inputs=$( (echo "$config"; cat "$config") | sha256sum)
	if [ "$config" = "$(realpath -m "$DEB_KBUILD_OUT/.config")" ]; then
		# a built output directory packaged as it is (make check-deb):
		# no new configuration, so nothing is rebuilt
		log "packaging the kernel configured and built in $DEB_KBUILD_OUT"
	elif [ ! -f "$DEB_KBUILD_OUT/.config" ] || [ "$(cat "$stamp" 2>/dev/null)" != "$inputs" ]; then
		log "configuring the packaged kernel in $DEB_KBUILD_OUT from $config"
		rm -f "$stamp"
		cp "$config" "$DEB_KBUILD_OUT/.config"
		# Debian's config names Debian's certificates (debian/certs/...),
		# which are not in the source: no extra trusted or revoked keys.
		"$TREE/scripts/config" --file "$DEB_KBUILD_OUT/.config" \
			--set-str SYSTEM_TRUSTED_KEYS '' --set-str SYSTEM_REVOCATION_KEYS '' >&2
		run_logged "$(kernel_log_name)-config" kmake "$DEB_KBUILD_OUT" LOCALVERSION= olddefconfig
		echo "$inputs" > "$stamp"
	fi
	BINDEB=("$DEB_KBUILD_OUT" KERNELRELEASE="$KREL" KDEB_PKGVERSION="$KPKGVER" bindeb-pkg)
	log "kernel $KREL ($KPKGVER): $(grep -c '=[ym]$' "$DEB_KBUILD_OUT/.config") options set, config in $DEB_KBUILD_OUT/.config"
}

# deb_kernel_config: scripts/deb kernel-config
deb_kernel_config() {
	kernel_configure
	echo "bindeb-pkg command: $(kmake --print "${BINDEB[@]}")"
}

deb_kernel() {
	local klog t0 f moved=()
	# SIGN_KEY/SIGN_CERT: wrong ones stop here, before hours of build
	sign_inputs
	kernel_configure
	sign_config "$DEB_KBUILD_OUT/.config"
	klog=$(kernel_log_name)
	# One kernel build at a time per machine (the lock of scripts/kernel);
	# it also keeps two package builds of the same tree from mixing their
	# files in $TREE.
	kernel_build_lock
	# mkdebian names the distribution of its changelog (lsb_release, else
	# 'unstable' with a warning)
	export KDEB_CHANGELOG_DIST=bookworm
	log "bindeb-pkg: $(kmake --print "${BINDEB[@]}")"
	t0=$(date +%s)
	rm -f "$DEB_KBUILD_OUT/debian/files"
	run_logged "$klog-build" kmake "${BINDEB[@]}"
	# debian/files lists the packages and the .buildinfo; the .changes is
	# named after the source package (linux-upstream).
	mkdir -p "$DEB_OUT"
	# an earlier build of the same version
	rm -f "$DEB_OUT"/linux-*_"$KPKGVER"_*
	while read -r f _; do
		[ -f "$TREE/$f" ] || die "bindeb-pkg did not leave $TREE/$f"
		mv -f "$TREE/$f" "$DEB_OUT/"
		moved+=("$f")
	done < "$DEB_KBUILD_OUT/debian/files"
	for f in "$TREE"/linux-upstream_*.changes; do
		[ -f "$f" ] && mv -f "$f" "$DEB_OUT/"
	done
	if [ "$SIGN" = 1 ]; then
		sign_package "$DEB_OUT/linux-image-${KREL}_${KPKGVER}_$ARCH.deb" \
			"$DEB_OUT/linux-upstream_${KPKGVER}_$ARCH.changes" "$DEB_OUT/linux-upstream_${KPKGVER}_$ARCH.buildinfo"
	fi
	log "kernel packages of $KREL built in $(($(date +%s) - t0))s, in ${DEB_OUT#"$TOP"/}:"
	for f in "${moved[@]}"; do
		case $f in *.deb) log "  $f ($(du -h "$DEB_OUT/$f" | cut -f1))" ;; esac
	done
	deb_kernel_meta
}
