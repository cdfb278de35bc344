#!/usr/bin/env bash
# Regenerates the committed seed corpora under fuzz/seeds/ from real files:
# MNIST and Fashion-MNIST IDX headers (and small valid files cut from them),
# the shipped experiments and the DSL documentation's examples, real
# checkpoints of tiny MNIST runs, and --set strings. Needs data/ (scripts/
# fetch-data.sh) and a built runexp (RUNEXP, default build/runexp). Run it only
# to refresh the seeds; scripts/fuzz.sh uses what is committed. Keeps every
# seed small: the fuzzers mutate them thousands of times a second.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
RUNEXP=${RUNEXP:-$ROOT/build/runexp}
SEEDS=$ROOT/fuzz/seeds
rm -rf "$SEEDS"
mkdir -p "$SEEDS"/{idx,experiment,overrides,checkpoint}_fuzzer

python3 - "$ROOT" "$SEEDS" <<'PY'
import gzip, re, struct, sys, pathlib
root, seeds = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
idx = seeds / "idx_fuzzer"

def header_size(data):
    return 4 + 4 * data[3]

def with_records(data, records):
    # The file's header with its record count set to `records`, and that many records.
    hs = header_size(data)
    dims = struct.unpack(">%dI" % data[3], data[4:hs])
    record = 1
    for d in dims[1:]:
        record *= d
    return data[:4] + struct.pack(">I", records) + data[8:hs] + data[hs:hs + records * record]

for name in ["train-images-idx3-ubyte", "train-labels-idx1-ubyte",
             "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"]:
    data = (root / "data/mnist" / name).read_bytes()[:4096]
    hs = header_size(data)
    (idx / f"mnist-{name}-header").write_bytes(data[:hs])          # header only: truncated data
    (idx / f"mnist-{name}-prefix").write_bytes(data[:hs + 64])      # header and a little data
    (idx / f"mnist-{name}-2records").write_bytes(with_records(data, 2))  # a valid small file
for name in ["t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"]:
    raw = gzip.decompress((root / "data/fashion-mnist" / (name + ".gz")).read_bytes())
    small = with_records(raw[:4096], 2)
    # gzip'ed: the reader decompresses any file that starts with 1f 8b.
    (idx / f"fashion-{name}-2records.gz").write_bytes(gzip.compress(small, mtime=0))
    (idx / f"fashion-{name}-header.gz").write_bytes(gzip.compress(raw[:header_size(raw)], mtime=0))
# A real gzip file, whole (5 KB), and the start of a large one (a truncated stream).
(idx / "fashion-t10k-labels-idx1-ubyte.gz").write_bytes(
    (root / "data/fashion-mnist/t10k-labels-idx1-ubyte.gz").read_bytes())
(idx / "fashion-train-images-prefix.gz").write_bytes(
    (root / "data/fashion-mnist/train-images-idx3-ubyte.gz").read_bytes()[:1024])
# Other element types, as written by WriteIdxFile: int8, int16, int32, float32, float64.
for code, fmt in [(0x09, "b"), (0x0B, "h"), (0x0C, "i"), (0x0D, "f"), (0x0E, "d")]:
    values = [1, -2, 3, 4, 5, 6]
    (idx / f"type-{code:02x}").write_bytes(bytes([0, 0, code, 2]) + struct.pack(">II", 3, 2) +
                                          struct.pack(">6" + fmt, *values))

exp = seeds / "experiment_fuzzer"
for path in sorted((root / "experiments").glob("*.toml")) + sorted((root / "docs/examples").rglob("*.toml")):
    (exp / path.name).write_bytes(path.read_bytes())
# The ```toml blocks of docs/dsl.md.
text = (root / "docs/dsl.md").read_text()
for i, block in enumerate(re.findall(r"```toml\n(.*?)```", text, re.S)):
    (exp / f"dsl-md-{i:02d}.toml").write_text(block)
PY

ov=$SEEDS/overrides_fuzzer
printf '%s\n' model.epochs=10 > "$ov/epochs"
printf '%s\n' 'model.optimizer.learning_rate=3e-4' 'model.layers[0].units=256' 'experiment.seed=9' > "$ov/three"
printf '%s\n' 'model.optimizer = { name = "sgd", momentum = 0.9 }' 'model.optimizer.rho=0.5' > "$ov/table"
printf '%s\n' 'train_x.shape=[28, 28]' 'train_images.limit=500' 'train_labels.limit=500' > "$ov/arrays"
printf '%s\n' 'model.layers[1].activation="relu"' 'model.layers[2]={ units = 3 }' > "$ov/layers"
printf '%s\n' 'experiment.name="x"' 'evaluate.inputs.model="model.snapshots"' 'experiment.results="/tmp/r.db"' > "$ov/experiment"
printf '%s\n' 'model.nosuch=1' 'modle.epochs=2' 'model.epochs=' '=3' 'model..epochs=1' 'model.layers[-1].units=1' > "$ov/errors"

# Real checkpoints of one epoch on 500 images with a tiny hidden layer, one
# per optimizer (each has its own state in the file). 5-30 KB each.
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
n=0
for optimizer in 'name = "rmsprop"' 'name = "sgd", momentum = 0.9, nesterov = true' 'name = "adam"'; do
  n=$((n + 1))
  "$RUNEXP" "$ROOT/experiments/mnist_ch2.toml" --set model.epochs=1 \
    --set train_images.limit=500 --set train_labels.limit=500 \
    --set "model.layers[0].units=$n" --set "model.optimizer={ $optimizer }" \
    --results "$work/$n/results.db" >/dev/null
  name=${optimizer#name = \"}; name=${name%%\"*}
  cp "$(find "$work/$n" -name 'epoch-0001.pb' | head -1)" "$SEEDS/checkpoint_fuzzer/mnist-$name-units$n.pb"
done
du -sh "$SEEDS"/*
