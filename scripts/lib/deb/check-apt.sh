# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
# shellcheck disable=SC2154 # work, KPKGVER, BASE_DEB_VERSION: scripts/check-deb's
# The version and repository checks of scripts/check-deb (sourced by it,
# after scripts/lib/tap.sh), hermetic: Debian's own tools on files under
# $work, no network, nothing installed.
#   check_grub_order    GRUB's default among /boot/vmlinuz-* (Debian's
#                       grub-mkconfig_lib version_find_latest, from
#                       grub-common fetched once into the download cache)
#   check_apt_pins      apt-get -s upgrade on a dpkg status file holding
#                       our iproute2, bpftool, linux-libc-dev, against stub
#                       repositories labelled bookworm-backports and
#                       bookworm-security, with and without tcx.pref
#   check_repo          scripts/repo of the packages; apt-get update
#                       accepts it with its key, refuses it once modified

# capt ARGS...: apt-get/apt-cache (the first word) with the state, sources
# and preferences of the test in $capt_dir (sources.d/, prefs.d/) only
capt() {
	local cmd=$1; shift
	"$cmd" -q -o Dir::State::status="$capt_dir/status" -o Dir::State::lists="$capt_dir/lists" \
		-o Dir::State::extended_states="$capt_dir/extended_states" -o Dir::Cache="$capt_dir/cache" \
		-o Dir::Etc::sourcelist=/dev/null -o Dir::Etc::sourceparts="$capt_dir/sources.d" \
		-o Dir::Etc::preferences=/dev/null -o Dir::Etc::preferencesparts="$capt_dir/prefs.d" \
		-o Dir::Etc::trusted=/dev/null -o Dir::Etc::trustedparts="$capt_dir/empty" \
		-o APT::Sandbox::User=root -o Debug::NoLocking=1 "$@"
}
# capt_reset DIR: a fresh apt state in DIR (no sources, no preferences)
capt_reset() {
	capt_dir=$1
	rm -rf "$capt_dir"
	mkdir -p "$capt_dir"/{lists/partial,cache/archives/partial,sources.d,prefs.d,empty}
	: > "$capt_dir/status"
}

# stub_repo DIR CODENAME NOTAUTO PKG=VERSION...: a flat-free dists/
# repository of empty packages, its Release labelled CODENAME
# (NotAutomatic/ButAutomaticUpgrades when NOTAUTO is yes, as backports)
stub_repo() {
	local dir=$1 codename=$2 notauto=$3 pv stage
	shift 3
	rm -rf "$dir"; mkdir -p "$dir/pool" "$dir/dists/$codename/main/binary-amd64"
	for pv; do
		stage=$dir/stage/${pv%%=*}
		mkdir -p "$stage/DEBIAN"
		printf 'Package: %s\nVersion: %s\nArchitecture: amd64\nMaintainer: test <test@localhost>\nDescription: stub\n' \
			"${pv%%=*}" "${pv#*=}" > "$stage/DEBIAN/control"
		dpkg-deb -Zgzip -b "$stage" "$dir/pool/${pv%%=*}_${pv#*=}_amd64.deb" >/dev/null
	done
	(cd "$dir" && apt-ftparchive packages pool) > "$dir/dists/$codename/main/binary-amd64/Packages" 2>/dev/null
	local opts=(-o APT::FTPArchive::Release::Origin=Debian -o "APT::FTPArchive::Release::Label=Debian stub"
		-o "APT::FTPArchive::Release::Suite=$codename" -o "APT::FTPArchive::Release::Codename=$codename"
		-o APT::FTPArchive::Release::Architectures=amd64 -o APT::FTPArchive::Release::Components=main)
	[ "$notauto" != yes ] || opts+=(-o APT::FTPArchive::Release::NotAutomatic=yes
		-o APT::FTPArchive::Release::ButAutomaticUpgrades=yes)
	apt-ftparchive "${opts[@]}" release "$dir/dists/$codename" > "$dir/Release"
	mv "$dir/Release" "$dir/dists/$codename/Release"
	printf 'Types: deb\nURIs: file:%s\nSuites: %s\nComponents: main\nTrusted: yes\n' "$dir" "$codename" \
		> "$capt_dir/sources.d/$codename.sources"
}

# check_grub_order IMAGE_RELEASE: GRUB's default entry (the latest of the
# /boot/vmlinuz-* by version_find_latest) with ours beside Debian's of the
# same ABI, of the next ABI, and backports' 6.12
check_grub_order() {
	local ours=$1 abi=${1%-tcx-amd64} lib=$CACHE/grub-mkconfig_lib deb next got other
	if [ ! -s "$lib" ]; then
		mkdir -p "$CACHE"
		deb=$(cd "$CACHE" && apt-get download -q grub-common >&2 && compgen -G 'grub-common_*.deb' | tail -n 1) ||
			{ not_ok "grub: grub-common fetched for its grub-mkconfig_lib" "apt-get download grub-common failed"; return; }
		dpkg-deb --fsys-tarfile "$CACHE/$deb" | tar -xO ./usr/share/grub/grub-mkconfig_lib > "$lib.tmp"
		mv "$lib.tmp" "$lib"
	fi
	next=${abi%-*}-$((${abi##*-} + 1))
	for other in "$abi-amd64:$ours" "$next-amd64:$next-amd64" "6.12.95+bpo-amd64:6.12.95+bpo-amd64"; do
		# Debian's library, fetched above, is not written for set -eu
		# shellcheck disable=SC1090
		got=$(set +eu; . "$lib" && version_find_latest "/boot/vmlinuz-$ours" "/boot/vmlinuz-${other%%:*}")
		teq "grub: default of vmlinuz-$ours and vmlinuz-${other%%:*} is ${other#*:}" \
			"$got" "/boot/vmlinuz-${other#*:}"
	done
	# and dpkg's ordering of the kernel packages' versions: ours above
	# Debian's build of the base, below its next upload and kernel
	check "dpkg: $KPKGVER > $BASE_DEB_VERSION" dpkg --compare-versions "$KPKGVER" gt "$BASE_DEB_VERSION"
	check "dpkg: $KPKGVER < ${BASE_DEB_VERSION%-*}-$((${BASE_DEB_VERSION##*-} + 1))" \
		dpkg --compare-versions "$KPKGVER" lt "${BASE_DEB_VERSION%-*}-$((${BASE_DEB_VERSION##*-} + 1))"
}

# upgrades: the 'Inst PKG [FROM] (TO ...' lines of apt-get -s upgrade,
# as 'PKG TO', sorted
upgrades() {
	capt apt-get update >/dev/null 2>&1 || { echo "apt-get update failed"; return; }
	capt apt-get -s upgrade 2>&1 | sed -n 's/^Inst \([^ ]*\) \[[^]]*\] (\([^ ]*\) .*/\1 \2/p' | sort
}

# check_apt_pins TCX_PREF IPROUTE2_VER BPFTOOL_VER LIBC_DEV_VER: our
# packages (these versions) installed, upgraded against backports and
# security stubs
check_apt_pins() {
	local pref=$1 ipr=$2 bpf=$3 libc=$4 p v bpo sec want
	capt_reset "$work/apt-pins"
	for p in iproute2="$ipr" bpftool="$bpf" linux-libc-dev="$libc"; do
		printf 'Package: %s\nStatus: install ok installed\nPriority: optional\nSection: net\nMaintainer: test <test@localhost>\nArchitecture: amd64\nVersion: %s\nDescription: ours\n\n' \
			"${p%%=*}" "${p#*=}" >> "$capt_dir/status"
	done
	# bookworm-backports' versions when this was written
	bpo=(iproute2=6.15.0-1~bpo12+1 bpftool=7.5.0+6.12.95-1~bpo12+1 linux-libc-dev=6.12.95-1~bpo12+1)
	# Debian's next updates of the same packages: a stable/security upload
	# of iproute2, the next kernel (and its bpftool)
	v=6.1.$((BASE_SUBLEVEL + 1))-1
	sec=(iproute2="${ipr%%+*}+deb12u1" bpftool="${bpf%%+*}+$v" linux-libc-dev="$v")
	stub_repo "$work/apt-pins/bpo" bookworm-backports yes "${bpo[@]}"
	want=$(printf '%s\n' "${bpo[@]}" | tr '=' ' ' | sort)
	teq "apt: without tcx.pref, bookworm-backports replaces our iproute2, bpftool, linux-libc-dev" \
		"$(upgrades)" "$want"
	cp "$pref" "$capt_dir/prefs.d/tcx.pref"
	teq "apt: with tcx.pref, bookworm-backports replaces none of them" "$(upgrades)" ""
	stub_repo "$work/apt-pins/sec" bookworm-security no "${sec[@]}"
	want=$(printf '%s\n' "${sec[@]}" | tr '=' ' ' | sort)
	teq "apt: with tcx.pref, Debian's next updates (${sec[*]}) replace ours" "$(upgrades)" "$want"
}

# check_repo DEB...: scripts/repo of DEB... in $work/repo with a key of
# its own; apt-get update accepts it, and refuses it once modified
check_repo() {
	local repo=$work/repo bad=$work/repo-bad got
	rm -rf "$repo" "$bad" "$work/repo-key"
	check "repo: scripts/repo makes a signed repository of ${#@} packages" \
		env REPO="$repo" REPO_GNUPGHOME="$work/repo-key" "$TOP/scripts/repo" "$@"
	for f in dists/bookworm/InRelease dists/bookworm/Release.gpg dists/bookworm/main/binary-amd64/Packages.gz \
		tcx-archive-keyring.gpg tcx-archive-keyring.asc tcx.sources; do
		[ -s "$repo/$f" ] || not_ok "repo: $f exists" "$(cd "$repo" && find . -type f | sort)"
	done
	capt_reset "$work/apt-repo"
	sed "s|^Signed-By: .*|Signed-By: $repo/tcx-archive-keyring.gpg|" "$repo/tcx.sources" > "$capt_dir/sources.d/tcx.sources"
	check "repo: apt-get update accepts it (tcx.sources, Signed-By its key)" capt apt-get update
	got=$(capt apt-cache policy linux-image-tcx-amd64 | awk '/Candidate:/ { print $2 }')
	teq "repo: apt-cache policy: linux-image-tcx-amd64 candidate" "$got" "$KPKGVER"
	# a Release changed after signing: apt must refuse the repository
	cp -a "$repo" "$bad"
	sed -i 's/^Label: tcx$/Label: tcx (modified)/' "$bad/dists/bookworm/InRelease" "$bad/dists/bookworm/Release"
	capt_reset "$work/apt-repo"
	sed "s|^Signed-By: .*|Signed-By: $repo/tcx-archive-keyring.gpg|; s|^URIs: .*|URIs: file:$bad|" \
		"$repo/tcx.sources" > "$capt_dir/sources.d/tcx.sources"
	check_status "repo: apt-get update refuses it once its Release is modified" 100 capt apt-get update
	grep -q BADSIG <<<"$tap_out" || not_ok "repo: the refusal is a bad signature (BADSIG)" "$tap_out"
}
