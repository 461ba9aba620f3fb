#!/usr/bin/env bash
# Trains one GCN recipe on the given folds of bench/gcn-folds.ts (one engine thread each, so
# that two folds can train side by side): bash bench/gcn-folds-train.sh RECIPE FOLD...
set -euo pipefail
recipe=$1; shift
cd "$(dirname "$0")/.."
for fold in "$@"; do
  data=out/folds/data/$fold
  both=(--features $data/train-both.feats.npy --labels $data/train-both.labels.npy)
  ips=(--k-at-hop 80 5 --active-connection 5)
  case $recipe in
    photos) args=(--features $data/train-photos.feats.npy --labels $data/train-photos.labels.npy --epochs 3 --lr-decay-epochs 2 "${ips[@]}") ;;
    both)   args=("${both[@]}" --epochs 3 --lr-decay-epochs 2 "${ips[@]}") ;;
    long)   args=("${both[@]}" --epochs 5 --lr-decay-epochs 3 --weight-decay 5e-4 "${ips[@]}") ;;
    mixed)  args=(--features $data/train-mixed.feats.npy --labels $data/train-mixed.labels.npy --epochs 3 --lr-decay-epochs 2 "${ips[@]}") ;;
    seed)   args=("${both[@]}" --k-at-hop 200 10 --active-connection 10 --epochs 4 --lr-decay-epochs 1,2,3) ;;
    *) echo "unknown recipe $recipe" >&2; exit 2 ;;
  esac
  out=out/folds/$recipe/$fold
  if [ -f $out/model.safetensors ]; then continue; fi
  rm -rf $out
  node dist/src/cli/main.js train "${args[@]}" --out $out --seed 1 --threads 1 --quiet
  echo "$(date +%T) trained $recipe fold $fold"
done
