# tcx for Linux 6.1: the single entry point. 'make help' lists the targets;
# each runs the script of the same name in scripts/ (the knobs they read
# are the Overrides table of docs/developing.md).
# SPDX-License-Identifier: GPL-2.0
.NOTPARALLEL:
.DEFAULT_GOAL := help
SHELL := /bin/bash
S := scripts
CMD ?= uname -a
# make vm's command reaches the guest through the environment, verbatim:
# quotes and '$' survive (make vm CMD="echo 'a  b' \$PWD").
override CMD := $(value CMD)
export CMD
# make boot-deb IMAGE=path.deb boots that image package instead.
IMAGE ?=

.PHONY: help run check prepare build deps fetch tree rebase export kernel tools iproute2 vm vm-test \
	stress check-harness check-vm-paths check-configs check-series check-bisect check-full check-notcx \
	deb repo update boot-deb check-deb check-install bench bench-smoke clean distclean

help:
	@echo 'tcx for Linux 6.1 -- make TARGET (each runs scripts/TARGET)'
	@echo 'use:'
	@echo '  run            prepare, build, boot the debug kernel and run the demo (guest/demo/run.sh)'
	@echo '  check          every test: harness, series, build, check-deb, VM tests and bench-smoke with check-install beside them; time per step'
	@echo '  vm             boot the kernel and run CMD inside (make vm CMD="bpftool prog")'
	@echo 'develop:'
	@echo '  prepare        deps, fetch, tree'
	@echo '  deps           install missing Debian packages (apt-get; sudo when not root)'
	@echo '  fetch          download and unpack linux-source-6.1 (cached in ~/.cache/tcx61)'
	@echo '  tree           build/linux = base + patches/ as git commits (refuses to drop work)'
	@echo '  export         write the commits of build/linux back to patches/'
	@echo '  rebase         move the series to BASE_VERSION=<debian version> (tree, export, checks, pin)'
	@echo '  build          kernel, tools, iproute2'
	@echo '  kernel         build the $$FLAVOUR kernel (debug by default, or FLAVOUR=vm|bench|kcsan)'
	@echo '  tools          libbpf, bpftool, test_progs, probes, stress tests and examples from the tree'
	@echo '  iproute2       Debian'"'"'s iproute2 + iproute2/patches/: tc and ip in build/iproute2/bin'
	@echo 'check:'
	@echo '  vm-test        run a suite of guest/suites in the VM (default: check) and print TAP'
	@echo '  stress         stress, fuzz and privilege tests at full length in the VM (FLAVOUR=kcsan: under KCSAN)'
	@echo '  check-harness  self-test of the harness, knob table and shellcheck (no VM)'
	@echo '  check-series   patches/ vs series, apply without fuzz/offset, messages, checkpatch'
	@echo '  check-vm-paths boot the guest from checkouts under /root, /home, /tmp, a path with a space'
	@echo '  check-configs  build the series under the Kconfig combinations tcx allows'
	@echo '  check-bisect   build the vm kernel after each patch of the series (slow, not in check)'
	@echo '  check-full     whole test_progs on the base and on ours (vm flavour), no regressions'
	@echo '  check-notcx    our tc and ip on the base kernel (no tcx) print what Debian'"'"'s print'
	@echo 'package:'
	@echo '  deb            Debian packages in build/deb: kernel (Debian'"'"'s config or CONFIG=), iproute2, bpftool'
	@echo '  repo           signed apt repository in build/repo (REPO=) of build/deb (or the .debs of scripts/repo)'
	@echo '  update         follow Debian: newest linux-source-6.1 -> rebase, deb, check-install, repo'
	@echo '  check-deb      package the debug kernel, boot it; check the other .debs, versions vs Debian, a repo'
	@echo '  check-install  apt install, GRUB boots, upgrade, removal of the check-deb packages in a Debian 12 VM'
	@echo '  boot-deb       boot the kernel package of deb (IMAGE=path.deb) in the VM and run the demo on it'
	@echo 'bench:'
	@echo '  bench          tcx vs cls_bpf vs nothing, base vs ours, in instructions/packet (bench/README.md)'
	@echo '  bench-smoke    the benchmark in small on the debug kernel (a step of check)'
	@echo 'clean:'
	@echo '  clean          remove build outputs (keeps the base source and build/linux)'
	@echo '  distclean      also remove build/ entirely (refuses if build/linux has unexported work)'

# With TREE= pointing elsewhere (a developer's own tree) the pipeline uses
# that tree as it is; without it, build/linux is (re)created from patches/.
prepare: deps fetch
	@if [ -n "$$TREE" ]; then echo "using TREE=$$TREE as it is"; else $(S)/tree; fi

build: kernel tools iproute2

deps fetch tree export kernel tools iproute2 check-harness check-vm-paths check-configs check-series \
	check-bisect check-full:
	@$(S)/$@

check-deb: prepare kernel
	@$(S)/check-deb

# the packages of check-deb, installed in a Debian 12 system
check-install: check-deb
	@$(S)/check-install

check-notcx: prepare tools iproute2
	@$(S)/check-notcx

check:
	@$(S)/check

run: prepare build
	@$(S)/vm-test demo

vm:
	@$(S)/vm --name vm -- bash -c "$$CMD"

vm-test:
	@$(S)/vm-test

rebase: deps
	@$(S)/rebase

update: deps
	@$(S)/update

stress: prepare build
	@$(S)/stress

deb: prepare
	@$(S)/deb

repo:
	@$(S)/repo

boot-deb: prepare build
	@$(S)/boot-deb $(IMAGE)

bench: prepare
	@$(S)/bench

bench-smoke: prepare
	@$(S)/bench --smoke

clean:
	rm -rf build/kernel-* build/tools-* build/linux/.kbuild-* build/vm-out build/logs build/iproute2/bin \
		build/series-check build/bisect build/linux-base build/deb build/deb-work build/check-deb \
		build/repo build/check-install

distclean:
	@if [ -d build/linux/.git ]; then TREE= $(S)/export --unexported >/dev/null || \
		{ echo "build/linux has commits not in patches/: make export first"; exit 1; }; fi
	@if [ -d build/iproute2/src/.git ] && IPROUTE2_OUT= $(S)/iproute2 unexported; then \
		echo "build/iproute2/src has work not in iproute2/patches/: scripts/iproute2 export first"; exit 1; fi
	rm -rf build
