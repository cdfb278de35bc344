#!/usr/bin/env python3
"""The book's experiment in PyTorch, timed per epoch: bench/run.sh's baseline.

    python3 bench/pytorch_mnist.py DATA_DIR [--epochs N] [--threads T]

Same model and training as experiments/mnist_ch2.toml: 784 float32 inputs in
[0, 1], Dense(512, relu) -> Dense(10, softmax), categorical cross-entropy,
RMSprop (learning rate 1e-3, rho 0.9, epsilon 1e-7, as Keras), batch 128,
shuffled every epoch. The data is read from the IDX files runexp reads and
normalised before the clock starts, as runexp's trainer gets it.

Prints one tab-separated line per epoch and a last line with the best:
    torch_epoch  threads=T  epoch=E  seconds=S
    torch  version=V  threads=T  best_epoch_s=S  train_accuracy=A  test_accuracy=B
Thread settings are the caller's: torch.set_num_threads(T) here, and the
environment (OMP_NUM_THREADS, OPENBLAS_NUM_THREADS) as bench/run.sh sets it.
"""
import argparse
import os
import struct
import sys
import time

import numpy as np
import torch


def read_idx(path):
    """An IDX file as a numpy array (uint8 payloads only, as MNIST's)."""
    with open(path, "rb") as f:
        magic = f.read(4)
        if len(magic) != 4 or magic[0] != 0 or magic[1] != 0 or magic[2] != 0x08:
            sys.exit(f"{path}: not an unsigned-byte IDX file")
        dims = struct.unpack(">" + "I" * magic[3], f.read(4 * magic[3]))
        data = np.frombuffer(f.read(), dtype=np.uint8)
    if data.size != int(np.prod(dims)):
        sys.exit(f"{path}: {data.size} bytes of data for shape {dims}")
    return data.reshape(dims)


def load(data_dir, prefix):
    images = read_idx(os.path.join(data_dir, f"{prefix}-images-idx3-ubyte"))
    labels = read_idx(os.path.join(data_dir, f"{prefix}-labels-idx1-ubyte"))
    x = torch.from_numpy(images.reshape(len(images), -1).astype(np.float32) / np.float32(255.0))
    y = torch.from_numpy(labels.astype(np.int64))
    return x, y


def accuracy(model, x, y):
    with torch.no_grad():
        return (model(x).argmax(dim=1) == y).float().mean().item()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data_dir")
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--threads", type=int, default=torch.get_num_threads())
    parser.add_argument("--seed", type=int, default=20261130)
    args = parser.parse_args()

    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    train_x, train_y = load(args.data_dir, "train")
    test_x, test_y = load(args.data_dir, "t10k")

    model = torch.nn.Sequential(torch.nn.Linear(784, 512), torch.nn.ReLU(), torch.nn.Linear(512, 10))
    # CrossEntropyLoss = softmax + categorical cross-entropy on class indices,
    # the same loss as one-hot targets.
    loss_fn = torch.nn.CrossEntropyLoss()
    optimizer = torch.optim.RMSprop(model.parameters(), lr=1e-3, alpha=0.9, eps=1e-7)

    batch = 128
    best = float("inf")
    for epoch in range(1, args.epochs + 1):
        start = time.perf_counter()
        order = torch.randperm(len(train_x))
        for begin in range(0, len(train_x), batch):
            rows = order[begin:begin + batch]
            optimizer.zero_grad(set_to_none=True)
            loss = loss_fn(model(train_x[rows]), train_y[rows])
            loss.backward()
            optimizer.step()
        seconds = time.perf_counter() - start
        best = min(best, seconds)
        print(f"torch_epoch\tthreads={args.threads}\tepoch={epoch}\tseconds={seconds:.4f}", flush=True)
    print(f"torch\tversion={torch.__version__}\tthreads={args.threads}\tbest_epoch_s={best:.4f}"
          f"\ttrain_accuracy={accuracy(model, train_x, train_y):.4f}"
          f"\ttest_accuracy={accuracy(model, test_x, test_y):.4f}")


if __name__ == "__main__":
    main()
