#!/usr/bin/env bash
# Peer comparison: the same workloads in numpy, PyTorch, scikit-learn (Debian's python3)
# and Hybrid (both product backends), interleaved round by round in one run, then one table of
# medians and ratios. Usage (from the repository root):
#     tests/Hybrid.Benchmarks/peers.sh [rounds=3] [workloads="mlp s29 mnist1 gemm gemm32 mlp32"]
# First it records the machine: CPU model, its SIMD flags, the measured peak (register-only FMAs,
# float64 and float32: machines of this kind differ, AVX-512 at full or half width) and numpy's BLAS
# kernel both ways. OpenBLAS reads OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE from the environment, and this
# environment sets them to force an older kernel: numpy runs twice, "numpy" with both unset (OpenBLAS
# picks its own kernel) and "numpy-env" as the environment sets them; Hybrid is compared with the
# faster. Hybrid's own runs and PyTorch's have both unset.
# OpenBLAS's own choice can be a fallback: 0.3.21 does not know CPUs newer than it (family 6 model
# 207 gets "Prescott", SSE3 kernels). PEERS_NUMPY_CORETYPE=SkylakeX (any OPENBLAS_CORETYPE value) adds
# a third numpy, "numpy-SkylakeX", with that kernel forced: compare with the fastest numpy.
# PyTorch gets OPENBLAS_NUM_THREADS=1 (its own 2 threads on top of OpenBLAS's oversubscribe the
# 2 cores). Run on a quiet machine: the numbers are only as good as the machine is idle.
set -euo pipefail
cd "$(dirname "$0")/../.."
rounds=${1:-3}
workloads=${2:-"mlp s29 mnist1 gemm gemm32 mlp32"}
py=/usr/bin/python3
here=tests/Hybrid.Benchmarks
echo "OPENBLAS settings in the caller's environment (ignored here): $(env | grep '^OPENBLAS' | tr '\n' ' ' || true)"
dotnet build -c Release "$here" -v q -nologo >/dev/null
hybrid="dotnet $here/bin/Release/net10.0/Hybrid.Benchmarks.dll peers"
run() { env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE "$@" | tail -1 | awk '{print $2}'; }
run_env() { "$@" | tail -1 | awk '{print $2}'; }
echo "CPU: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'), $(nproc) cores"
echo "SIMD flags: $(grep -m1 '^flags' /proc/cpuinfo | tr ' ' '\n' | grep -E '^(avx|avx2|fma|avx512[a-z0-9_]*)$' | sort -u | tr '\n' ' ')"
env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE dotnet $here/bin/Release/net10.0/Hybrid.Benchmarks.dll peak
echo "numpy's BLAS, own choice: $(env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE $py $here/peers.py kernel)"
echo "numpy's BLAS, as the environment sets it: $($py $here/peers.py kernel)"
forced=${PEERS_NUMPY_CORETYPE:-}
[ -z "$forced" ] || echo "numpy's BLAS, forced: $(env -u OPENBLAS_L2_SIZE OPENBLAS_CORETYPE=$forced $py $here/peers.py kernel)"
declare -A results
peers_of() {
  case $1 in
    mlp|s29|gemm|mlp32|gemm32) echo "numpy numpy-env ${forced:+numpy-$forced} torch" ;;
    mlp-cold) echo "numpy numpy-env ${forced:+numpy-$forced}" ;;
    s29-reference|mlp-epochs|mlp32-epochs) echo "" ;;
    mnist1|mnist1-cold) echo "sklearn" ;;
  esac
}
for ((r = 1; r <= rounds; r++)); do
  for w in $workloads; do
    for lib in $(peers_of "$w"); do
      # A peer whose library is not installed reports nan (and the table says so) instead of ending the run.
      if [ "$lib" = torch ]; then v=$(run env OPENBLAS_NUM_THREADS=1 $py "$here/peers.py" torch "$w" 2>/dev/null) || v=nan
      elif [ "$lib" = numpy-env ]; then v=$(run_env $py "$here/peers.py" numpy "$w") || v=nan
      elif [ "$lib" = "numpy-$forced" ]; then v=$(run env OPENBLAS_CORETYPE=$forced $py "$here/peers.py" numpy "$w") || v=nan
      else v=$(run $py "$here/peers.py" "$lib" "$w" 2>/dev/null) || v=nan; fi
      [ -n "$v" ] || v=nan
      results[$w,$lib]+="$v "
    done
    for kernel in managed openblas; do
      results[$w,hybrid-$kernel]+="$(run $hybrid "$w" "$kernel") "
    done
    echo "round $r/$rounds: $w done" >&2
  done
done
median() { tr ' ' '\n' | grep -v '^$' | sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
unit() { case $1 in mlp|mlp32|mlp-cold) echo "samples/s";; s29|s29-reference) echo "steps/s";; mnist1|mnist1-cold) echo "s/epoch";; gemm|gemm32) echo "GFLOP/s";; mlp-epochs|mlp32-epochs) echo "first÷later";; esac; }
printf "\n%-8s %-10s %-16s %12s %12s %s\n" workload unit library median ratio "(Hybrid ÷ peer; > 1 means Hybrid is faster)"
for w in $workloads; do
  for kernel in managed openblas; do
    h=$(echo "${results[$w,hybrid-$kernel]}" | median)
    printf "%-8s %-10s %-16s %12.4g\n" "$w" "$(unit "$w")" "hybrid-$kernel" "$h"
    for lib in $(peers_of "$w"); do
      p=$(echo "${results[$w,$lib]}" | median)
      # s/epoch: smaller is faster, so the ratio is peer ÷ Hybrid.
      ratio=$(awk -v h="$h" -v p="$p" -v w="$w" 'BEGIN { printf "%.2f", (w ~ /^mnist1/) ? p / h : h / p }')
      printf "%-8s %-10s %-16s %12.4g %12s\n" "" "" "  vs $lib" "$p" "${ratio}x"
    done
  done
done
echo "($rounds interleaved rounds, medians; $(nproc) cores; $(date -u +%FT%TZ))"
echo "Every round's value, in round order:"
for w in $workloads; do
  for lib in $(peers_of "$w") hybrid-managed hybrid-openblas; do
    printf "  %-8s %-16s %s\n" "$w" "$lib" "${results[$w,$lib]}"
  done
done
