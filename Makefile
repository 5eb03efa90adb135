# tcx for Linux 6.1: the single entry point. 'make help' lists the targets.
# SPDX-License-Identifier: GPL-2.0
# Environment overrides honoured by every step (see README.md):
#   FLAVOUR=<a line of configs/flavours>  TREE=<kernel tree>  KBUILD_OUT=<kernel output dir>
#   TOOLS_OUT=<tools output dir>  VM_TIMEOUT=<seconds>  JOBS=<make -j>
.NOTPARALLEL:
.DEFAULT_GOAL := help
SHELL := /bin/bash
S := scripts
CMD ?= uname -a
# make vm's command reaches the guest through the environment, verbatim:
# quotes and '$' survive (make vm CMD="echo 'a  b' \$PWD").
override CMD := $(value CMD)
export CMD

# With TREE= pointing elsewhere (a developer's own tree) the pipeline uses
# that tree as it is; without it, build/linux is (re)created from patches/.
define ensure_tree
	@if [ -n "$$TREE" ]; then echo "using TREE=$$TREE as it is"; else $(S)/tree; fi
endef

.PHONY: help run check stress check-harness check-vm-paths check-configs bench check-series check-bisect check-full deps fetch tree rebase \
	export kernel tools iproute2 deb boot-deb check-deb check-notcx vm vm-test clean distclean

help:
	@echo 'tcx for Linux 6.1 -- targets:'
	@echo '  run           deps, base, tree, debug kernel, tools, then boot it and run guest/demo/run.sh'
	@echo '  check         deps, base, tree, series checks, debug kernel, tools, tests in the VM, bench-smoke, check-deb'
	@echo '  stress        stress, fuzz and privilege tests at full length in the VM (STRESS_SECS, FUZZ_CALLS, SEED;'
	@echo '                FLAVOUR=kcsan: on the KCSAN kernel, data races on the tcx paths fail)'
	@echo '  check-series  patches/ vs series, apply without fuzz/offset, messages, checkpatch'
	@echo '  check-bisect  build the vm kernel after each patch of the series (slow, not in CI)'
	@echo '  check-full    whole test_progs on the base and on ours (vm flavour), no regressions'
	@echo '  check-harness self-test of the harness, knob table and shellcheck (no VM)'
	@echo '  check-vm-paths boot the guest from checkouts under /root, /home, /tmp, a path with a space'
	@echo '  check-configs build the series under the Kconfig combinations tcx allows'
	@echo '  bench         tcx vs cls_bpf vs nothing, base vs ours, in instructions/packet'
	@echo '  bench-smoke   the benchmark in small on the debug kernel (last step of check)'
	@echo '  deps          install missing Debian packages (apt-get; sudo when not root)'
	@echo '  fetch         download and unpack linux-source-6.1 (cached in ~/.cache/tcx61)'
	@echo '  tree          build/linux = base + patches/ as git commits (refuses to drop work)'
	@echo '  rebase        move the series to BASE_VERSION=<debian version> (tree, export, checks, pin)'
	@echo '  export        write the commits of build/linux back to patches/'
	@echo '  kernel        build the $$FLAVOUR kernel (debug by default, or FLAVOUR=vm|bench|kcsan)'
	@echo '  tools         build libbpf, bpftool, test_progs and probes from the tree, and iproute2'
	@echo '  iproute2      Debian'"'"'s iproute2 + iproute2/patches/: tc and ip in build/iproute2/bin'
	@echo '  deb           Debian packages in build/deb: kernel (bindeb-pkg, Debian'"'"'s config or CONFIG=), iproute2, bpftool'
	@echo '  boot-deb      boot the kernel package of deb (IMAGE=path.deb) in the VM and run the demo on it'
	@echo '  check-deb     package the debug kernel, boot it from its .deb; check the iproute2 and bpftool .debs (last step of check)'
	@echo '  check-notcx   our tc and ip on the base kernel (no tcx) print what Debian'"'"'s print (not in CI)'
	@echo '  vm            boot the kernel and run CMD inside (make vm CMD="bpftool prog")'
	@echo '  vm-test       run the tests in the VM and print TAP + summary'
	@echo '  clean         remove build outputs (keeps the base source and build/linux)'
	@echo '  distclean     also remove build/ entirely (refuses if build/linux has unexported work)'

deps:
	@$(S)/deps

fetch:
	@$(S)/fetch

tree:
	@$(S)/tree

rebase: deps
	@$(S)/rebase

export:
	@$(S)/export

kernel:
	@$(S)/kernel

tools:
	@$(S)/tools
	@$(S)/iproute2

iproute2:
	@$(S)/iproute2

# Installable packages (README: Packages). The kernel is built with
# Debian's configuration: hours on 2 cores.
deb: deps fetch
	$(ensure_tree)
	@$(S)/deb

# The image package of make deb (IMAGE=path to name another) booted in the
# VM, the demo of make run on it (not in make check: needs make deb).
boot-deb: deps fetch
	$(ensure_tree)
	@$(S)/kernel
	@$(S)/tools
	@$(S)/iproute2
	@$(S)/boot-deb $(IMAGE)

# The same packaging in small: the debug kernel's config, booted in the VM.
check-deb: deps fetch
	$(ensure_tree)
	@$(S)/kernel
	@$(S)/check-deb

# Our tc and ip on the base kernel, which has no tcx (not in make check).
check-notcx: deps fetch
	$(ensure_tree)
	@$(S)/tools
	@$(S)/iproute2
	@$(S)/check-notcx

vm:
	@$(S)/vm --name vm -- bash -c "$$CMD"

vm-test:
	@$(S)/vm-test

check-series:
	@$(S)/check-series

check-bisect:
	@$(S)/check-bisect

check-full:
	@$(S)/check-full

check-harness:
	@$(S)/check-harness

check-vm-paths:
	@$(S)/check-vm-paths

check-configs:
	@$(S)/check-configs

run: deps fetch
	$(ensure_tree)
	@$(S)/kernel
	@$(S)/tools
	@$(S)/iproute2
	@GUEST_TESTS=guest/demo TEST_PROGS_LIST=/dev/null VM_TIMEOUT="$${VM_TIMEOUT:-900}" $(S)/vm-test

check: deps fetch
	$(ensure_tree)
	@$(S)/check-harness >/dev/null || $(S)/check-harness
	@$(S)/check-series
	@$(S)/kernel
	@$(S)/tools
	@$(S)/iproute2
	@$(S)/check-vm-paths
	@$(S)/vm-test
	@$(S)/bench --smoke
	@$(S)/check-deb

# Reliability and security tests (issue 11) at full length: 120 s of
# concurrency stress, 100,000 fuzzed calls, the privilege/namespace tests.
# make check runs the same guest test in short (guest/tests/60-stress.sh).
# FLAVOUR=kcsan: the same on the KCSAN kernel (configs/kcsan.config), whose
# console scan fails only on data races on the tcx paths (scripts/vm).
stress: deps fetch
	$(ensure_tree)
	@$(S)/kernel
	@$(S)/tools
	@$(S)/iproute2
	@$(S)/stress

clean:
	rm -rf build/kernel-* build/tools-* build/linux/.kbuild-* build/vm-out build/logs build/iproute2/bin \
		build/series-check build/bisect build/linux-base build/.kvm-probe build/deb build/deb-work build/check-deb

distclean:
	@if [ -d build/linux/.git ]; then TREE= $(S)/export --unexported >/dev/null || \
		{ echo "build/linux has commits not in patches/: make export first"; exit 1; }; fi
	@if [ -d build/iproute2/src/.git ] && IPROUTE2_OUT= $(S)/iproute2 unexported; then \
		echo "build/iproute2/src has work not in iproute2/patches/: scripts/iproute2 export first"; exit 1; fi
	rm -rf build

# Benchmark (issue 5, bench/README.md): base vs ours, tcx vs cls_bpf vs
# nothing, in guest instructions per packet. bench-smoke is the short
# variant make check can run so that the benchmark does not rot.
.PHONY: bench bench-smoke
bench: deps fetch
	$(ensure_tree)
	@$(S)/bench

bench-smoke: deps fetch
	$(ensure_tree)
	@$(S)/bench --smoke
