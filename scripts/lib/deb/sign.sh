# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
# Secure Boot signing of the kernel image package (sourced by scripts/deb,
# called from kernel.sh). SIGN_KEY= (a PEM private key without a
# passphrase) and SIGN_CERT= (its PEM X.509 certificate) are given both or
# not at all; they are checked before anything is built. After bindeb-pkg
# the image package linux-image-<release> is unpacked (dpkg-deb -R, in
# $WORK):
# boot/vmlinuz-<release> is signed with sbsign (an Authenticode signature
# in the PE image of the EFI stub, what shim and GRUB check against the
# firmware's db and shim's MOK list), and every module of
# lib/modules/<release>/ is signed with the tree's scripts/sign-file (the
# hash of the config's MODULE_SIG_HASH) after the signature the build
# appended with its own generated key (MODULE_SIG_ALL, which olddefconfig
# turns on for Debian's config too) is stripped. Then DEBIAN/md5sums and
# the Installed-Size of DEBIAN/control are brought up to date and the
# package is built again with dpkg-deb, compressed as bindeb-pkg did; the
# checksums of the .changes and .buildinfo of the build follow.
# The build's own key stays in the kernel's built-in keyring; the kernel
# trusts SIGN_CERT for modules once it is enrolled in shim's MOK list
# (Debian's config: INTEGRITY_MACHINE_KEYRING, docs/user-guide.md).

# The trailer of a module signature (scripts/sign-file, module_signature.h):
# the PKCS#7 message, then struct module_signature (12 bytes, the message's
# length big-endian in its last 4), then this magic string.
SIGN_MAGIC='~Module signature appended~'

# sign_inputs: check SIGN_KEY and SIGN_CERT before anything is built:
# both or neither, readable files, a private key without a passphrase that
# is the certificate's key, sbsign installed. Sets SIGN (1: the image
# package is signed, 0: not) and makes both paths absolute; once.
sign_inputs() {
	local key=${SIGN_KEY:-} cert=${SIGN_CERT:-} kpub cpub
	[ -z "${_sign_checked:-}" ] || return 0
	_sign_checked=1 SIGN=0
	[ -n "$key$cert" ] || return 0
	[ -n "$key" ] || die "SIGN_CERT=$cert without SIGN_KEY=: signing needs both, the PEM private key and its PEM certificate"
	[ -n "$cert" ] || die "SIGN_KEY=$key without SIGN_CERT=: signing needs both, the PEM private key and its PEM certificate"
	[[ -f $key && -r $key ]] || die "SIGN_KEY=$key: no such readable file"
	[[ -f $cert && -r $cert ]] || die "SIGN_CERT=$cert: no such readable file"
	command -v openssl >/dev/null || die "openssl is not installed (scripts/deps installs it)"
	command -v sbsign >/dev/null || die "sbsign is not installed: it is in sbsigntool (scripts/deps installs it)"
	# an empty passphrase: an encrypted key fails here, not halfway
	kpub=$(openssl pkey -in "$key" -passin pass: -pubout 2>/dev/null) ||
		die "SIGN_KEY=$key: not a PEM private key without a passphrase (sbsign and sign-file read it unattended: make it with openssl ... -nodes)"
	cpub=$(openssl x509 -in "$cert" -noout -pubkey 2>/dev/null) ||
		die "SIGN_CERT=$cert: not a PEM X.509 certificate"
	[ "$kpub" = "$cpub" ] || die "SIGN_KEY=$key is not the private key of SIGN_CERT=$cert"
	SIGN_KEY=$(realpath "$key") SIGN_CERT=$(realpath "$cert") SIGN=1
	log "signing the kernel image and its modules with $SIGN_CERT ($(openssl x509 -in "$SIGN_CERT" -noout -subject))"
}

# sign_config CONFIG: with SIGN=1, check before the build that the kernel
# of CONFIG can be signed: an EFI stub (sbsign signs a PE image; without
# one, Secure Boot firmware cannot start the kernel at all) and, with
# modules, module signatures that the kernel checks (MODULE_SIG: it also
# builds scripts/sign-file).
sign_config() {
	[ "$SIGN" = 1 ] || return 0
	grep -q '^CONFIG_EFI_STUB=y$' "$1" ||
		die "signing (SIGN_KEY=, SIGN_CERT=): the config $1 has no CONFIG_EFI_STUB: the image is no PE image that sbsign could sign or Secure Boot firmware could start"
	! grep -q '^CONFIG_MODULES=y$' "$1" || grep -q '^CONFIG_MODULE_SIG=y$' "$1" ||
		die "signing (SIGN_KEY=, SIGN_CERT=): the config $1 has modules but no CONFIG_MODULE_SIG: that kernel checks no module signature, and sign-file is not built"
}

# sign_deb_compression DEB: the dpkg-deb -Z value of DEB's data member
# (gzip, xz, zstd or none), so that the rebuilt package is compressed as
# bindeb-pkg made it (KDEB_COMPRESS, else dpkg-deb's default).
sign_deb_compression() {
	local m
	m=$(ar t "$1" | grep '^data\.tar') || die "$1: no data.tar member"
	case $m in
	data.tar) echo none ;;
	data.tar.gz) echo gzip ;;
	data.tar.xz) echo xz ;;
	data.tar.zst) echo zstd ;;
	*) die "$1: unknown compression of $m" ;;
	esac
}

# sign_kib FILE...: the sum of the sizes of FILEs in KiB, each rounded up,
# as dpkg-gencontrol counts Installed-Size.
sign_kib() {
	[ $# -gt 0 ] || { echo 0; return; }
	stat -c %s -- "$@" | awk '{ s += int(($1 + 1023) / 1024) } END { print s + 0 }'
}

# sign_image IMAGE: sign the kernel image IMAGE (a PE image: the EFI
# stub's) with sbsign, in place, keeping its mode.
sign_image() {
	local img=$1 out
	[ "$(head -c 2 "$img")" = MZ ] ||
		die "${img##*/} is no PE image (no EFI stub: CONFIG_EFI_STUB): sbsign cannot sign it"
	out=$(sbsign --key "$SIGN_KEY" --cert "$SIGN_CERT" --output "$img.signed" "$img" 2>&1) ||
		die "sbsign of $img failed: $out"
	chmod --reference="$img" "$img.signed"
	mv -f "$img.signed" "$img"
}

# sign_module_strip MODULE: remove the signatures appended to MODULE (the
# build's, CONFIG_MODULE_SIG_ALL), in place; none is fine.
sign_module_strip() {
	local m=$1 size b len magic
	magic=$(printf '%s\n' "$SIGN_MAGIC" | od -An -v -tu1 | xargs)
	while :; do
		size=$(stat -c %s "$m")
		[ "$size" -gt 40 ] || return 0
		read -ra b <<<"$(tail -c 40 "$m" | od -An -v -tu1 | xargs)"
		[ "${b[*]:12}" = "$magic" ] || return 0
		# struct module_signature's sig_len, big-endian
		len=$((b[8] << 24 | b[9] << 16 | b[10] << 8 | b[11]))
		((len > 0 && len + 40 < size)) ||
			die "$m: a module signature trailer with a bad length ($len)"
		truncate -s $((size - 40 - len)) "$m"
	done
}

# sign_modules DIR HASH: every module (*.ko) under DIR stripped of its
# signature and signed with SIGN_KEY by the tree's sign-file, with HASH
# (the config's MODULE_SIG_HASH). Prints the number of modules.
sign_modules() {
	local dir=$1 hash=$2 signfile=$DEB_KBUILD_OUT/scripts/sign-file m n=0 out
	while IFS= read -r -d '' m; do
		[ -x "$signfile" ] || die "no $signfile (the kernel build makes it with CONFIG_MODULE_SIG): cannot sign $m"
		sign_module_strip "$m"
		out=$("$signfile" "$hash" "$SIGN_KEY" "$SIGN_CERT" "$m" 2>&1) || die "sign-file $hash of $m failed: $out"
		n=$((n + 1))
	done < <(find "$dir" -type f -name '*.ko' -print0)
	echo "$n"
}

# sign_md5sums ROOT: DEBIAN/md5sums of the unpacked package ROOT computed
# again, every listed file in the same order (the signed ones changed).
sign_md5sums() {
	local root=$1 n
	n=$(wc -l < "$root/DEBIAN/md5sums")
	(cd "$root" && cut -c35- DEBIAN/md5sums | xargs -rd '\n' md5sum) > "$root/DEBIAN/md5sums.new" ||
		die "$root/DEBIAN/md5sums lists a file the package does not hold"
	[ "$(wc -l < "$root/DEBIAN/md5sums.new")" = "$n" ] || die "$root/DEBIAN/md5sums: $n files, not all summed again"
	mv -f "$root/DEBIAN/md5sums.new" "$root/DEBIAN/md5sums"
}

# sign_checksums FILE LIST...: in the .changes and .buildinfo LISTs, the
# checksums and size of FILE (changed) replace its old ones: the lines
# ' <md5|sha1|sha256> <size> ... <name>'; a missing LIST is skipped.
sign_checksums() {
	local file=$1 f name size md5 sha1 sha256
	shift
	name=${file##*/} size=$(stat -c %s "$file")
	md5=$(md5sum < "$file") sha1=$(sha1sum < "$file") sha256=$(sha256sum < "$file")
	for f; do
		[ -f "$f" ] || continue
		awk -v n="$name" -v s="$size" -v m="${md5%% *}" -v s1="${sha1%% *}" -v s2="${sha256%% *}" '
			/^ / && $NF == n {
				l = length($1)
				$1 = l == 32 ? m : l == 40 ? s1 : l == 64 ? s2 : $1
				$2 = s
				$0 = " " $0
			}
			{ print }' "$f" > "$f.new"
		mv -f "$f.new" "$f"
	done
}

# sign_package DEB CHANGES BUILDINFO: sign the kernel image and the
# modules of the image package DEB (see the top of this file) and rebuild
# it in place; the build's BUILDINFO and CHANGES get its new checksums,
# and CHANGES those of BUILDINFO.
sign_package() {
	local deb=$1 changes=$2 buildinfo=$3 tmp root imgs rel comp hash kib0 kib1 isize nmod mods=()
	# one at a time (kernel_build_lock); what a failed one left goes
	tmp=$WORK/sign
	rm -rf "$tmp"
	mkdir -p "$tmp"
	root=$tmp/root
	# out of DEB_OUT until it is signed: a failure leaves no unsigned
	# package there to be installed by mistake
	mv -f "$deb" "$tmp/unsigned.deb"
	dpkg-deb -R "$tmp/unsigned.deb" "$root"
	comp=$(sign_deb_compression "$tmp/unsigned.deb")
	mapfile -t imgs < <(compgen -G "$root/boot/vmlinuz-*" || true)
	[ ${#imgs[@]} -eq 1 ] || die "${deb##*/}: ${#imgs[@]} boot/vmlinuz-* in it, not one"
	rel=${imgs[0]##*/vmlinuz-}
	hash=$(sed -n 's/^CONFIG_MODULE_SIG_HASH="\(.*\)"$/\1/p' "$root/boot/config-$rel" 2>/dev/null)
	if [ -d "$root/lib/modules/$rel" ]; then
		mapfile -d '' -t mods < <(find "$root/lib/modules/$rel" -type f -name '*.ko' -print0)
		# they would have to be signed before compression
		[ -z "$(find "$root/lib/modules/$rel" -type f -name '*.ko.*' -print -quit)" ] ||
			die "${deb##*/} holds compressed modules (CONFIG_MODULE_COMPRESS_*): signing them is not supported"
	fi
	[ ${#mods[@]} -eq 0 ] || [ -n "$hash" ] || die "${deb##*/}: no CONFIG_MODULE_SIG_HASH in boot/config-$rel, but modules"
	kib0=$(sign_kib "${imgs[0]}" "${mods[@]}")
	sign_image "${imgs[0]}"
	nmod=0
	[ ${#mods[@]} -eq 0 ] || nmod=$(sign_modules "$root/lib/modules/$rel" "$hash")
	kib1=$(sign_kib "${imgs[0]}" "${mods[@]}")
	sign_md5sums "$root"
	# what dpkg-gencontrol counted, with the signed files' new sizes
	isize=$(sed -n 's/^Installed-Size: *//p' "$root/DEBIAN/control")
	[ -n "$isize" ] && sed -i "s/^Installed-Size: .*/Installed-Size: $((isize - kib0 + kib1))/" "$root/DEBIAN/control"
	# as bindeb-pkg's builddeb leaves the tree (sign-file writes new files)
	chmod -R go-w,a+rX,ug-s "$root"
	dpkg-deb --root-owner-group -Z"$comp" --build "$root" "$tmp/new.deb" >/dev/null
	mv -f "$tmp/new.deb" "$deb"
	rm -rf "$tmp"
	sign_checksums "$deb" "$buildinfo" "$changes"
	[ ! -f "$buildinfo" ] || sign_checksums "$buildinfo" "$changes"
	log "signed $(basename "$deb"): boot/vmlinuz-$rel (sbsign) and $nmod modules (sign-file ${hash:-}), $comp"
}
