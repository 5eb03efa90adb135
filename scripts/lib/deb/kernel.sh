# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
# The kernel packages of scripts/deb (sourced by it): the kernel's own
# 'bindeb-pkg' of $TREE (linux-image-<rel>, linux-headers-<rel>,
# linux-libc-dev, and linux-image-<rel>-dbg when the config has
# DEBUG_INFO), release 6.1.<sublevel>-tcx, built out of tree in
# $DEB_KBUILD_OUT ($TREE/.kbuild-deb) from $CONFIG: by default Debian's own
# amd64 config, /boot/config-* of the linux-image-6.1.0-N-amd64 package of
# the base's Debian version (the one linux-image-amd64 of that version
# depends on; otherwise the newest the archive has), fetched with 'apt-get
# download' into the download cache and never installed. The trusted and
# revocation key lists of the config (Debian's signing certificates, not in
# the source) are cleared. bindeb-pkg writes the packages to the parent of
# the output directory, i.e. into $TREE, where 'make tree' would 'git
# clean' them: they are moved to $DEB_OUT. kernel-config
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
	local meta=linux-image-amd64 ver=$BASE_DEB_VERSION pkg deb cfg
	pkg=$(apt-cache show "$meta=$ver" 2>/dev/null |
		sed -n 's/^Depends: \(linux-image-6\.1\.[^ ,]*-amd64\) (= .*/\1/p' | head -n 1)
	if [ -z "$pkg" ]; then
		ver=$(apt-cache policy "$meta" 2>/dev/null | awk '/Candidate:/ { print $2 }')
		{ [ -n "$ver" ] && [ "$ver" != "(none)" ]; } || die "$meta is not known to apt: run apt-get update"
		pkg=$(apt-cache show "$meta=$ver" |
			sed -n 's/^Depends: \(linux-image-6\.1\.[^ ,]*-amd64\) (= .*/\1/p' | head -n 1)
		[ -n "$pkg" ] || die "cannot tell which image package $meta $ver depends on"
		warn "no Debian kernel image $BASE_DEB_VERSION in the archive: using the config of $pkg $ver"
	fi
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

# kernel_localversion: the LOCALVERSION of the package build. The release
# must end in -tcx: -tcx, unless the config's CONFIG_LOCALVERSION already
# ends with it (the debug flavour's does; changing it would rebuild
# everything).
kernel_localversion() {
	if grep -q '^CONFIG_LOCALVERSION=".*-tcx"$' "$DEB_KBUILD_OUT/.config"; then echo; else echo -tcx; fi
}

# kernel_configure: configure $DEB_KBUILD_OUT from $CONFIG (Debian's
# config by default) when it changed; print the kernel release.
kernel_configure() {
	local config=${CONFIG:-} inputs stamp=$DEB_KBUILD_OUT/.tcx-deb-config-inputs release
	[ -f "$TREE/Makefile" ] || die "no kernel tree in $TREE: run 'make tree' first"
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
	release=$(kmake "$DEB_KBUILD_OUT" -s LOCALVERSION="$(kernel_localversion)" kernelrelease)
	[[ $release == *-tcx ]] || die "kernel release $release does not end in -tcx"
	log "kernel $release: $(grep -c '=[ym]$' "$DEB_KBUILD_OUT/.config") options set, config in $DEB_KBUILD_OUT/.config"
	echo "$release"
}

# deb_kernel_config: scripts/deb kernel-config
deb_kernel_config() {
	kernel_configure >/dev/null
	echo "bindeb-pkg command: $(kmake --print "$DEB_KBUILD_OUT" LOCALVERSION="$(kernel_localversion)" bindeb-pkg)"
}

deb_kernel() {
	local release lv klog t0 f moved=()
	release=$(kernel_configure)
	lv=$(kernel_localversion) klog=$(kernel_log_name)
	# One kernel build at a time per machine (the lock of scripts/kernel);
	# it also keeps two package builds of the same tree from mixing their
	# files in $TREE.
	kernel_build_lock
	# mkdebian names the distribution of its changelog (lsb_release, else
	# 'unstable' with a warning)
	export KDEB_CHANGELOG_DIST=bookworm
	log "bindeb-pkg: $(kmake --print "$DEB_KBUILD_OUT" LOCALVERSION="$lv" bindeb-pkg)"
	t0=$(date +%s)
	rm -f "$DEB_KBUILD_OUT/debian/files"
	run_logged "$klog-build" kmake "$DEB_KBUILD_OUT" LOCALVERSION="$lv" bindeb-pkg
	# debian/files lists the packages and the .buildinfo; the .changes is
	# named after the source package (linux-upstream).
	mkdir -p "$DEB_OUT"
	# earlier builds of the same release (the revision counts builds)
	rm -f "$DEB_OUT"/*_"$release"-[0-9]*_*
	while read -r f _; do
		[ -f "$TREE/$f" ] || die "bindeb-pkg did not leave $TREE/$f"
		mv -f "$TREE/$f" "$DEB_OUT/"
		moved+=("$f")
	done < "$DEB_KBUILD_OUT/debian/files"
	for f in "$TREE"/linux-upstream_*.changes; do
		[ -f "$f" ] && mv -f "$f" "$DEB_OUT/"
	done
	log "kernel packages of $release built in $(($(date +%s) - t0))s, in ${DEB_OUT#"$TOP"/}:"
	for f in "${moved[@]}"; do
		case $f in *.deb) log "  $f ($(du -h "$DEB_OUT/$f" | cut -f1))" ;; esac
	done
}
