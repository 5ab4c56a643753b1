#!/usr/bin/env python3
"""Writes the Fashion-MNIST subset in this folder from the full dataset.

Rule: for each split, keep the first N images of every class in file order (N = 600 for
train, 100 for t10k), in their original relative order. Output is gzip IDX (mtime 0, so
the same input gives the same bytes).

Usage: python3 make-subset.py [SOURCE_DIR]   (default /usr/share/datasets/fashion-mnist)
"""
import gzip, os, struct, sys

SOURCE = sys.argv[1] if len(sys.argv) > 1 else "/usr/share/datasets/fashion-mnist"
HERE = os.path.dirname(os.path.abspath(__file__))


def read(name):
    with gzip.open(os.path.join(SOURCE, name + ".gz"), "rb") as f:
        return f.read()


def write(name, header, body):
    with open(os.path.join(HERE, name + ".gz"), "wb") as raw:
        with gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0) as f:
            f.write(header + body)


for prefix, per_class in (("train", 600), ("t10k", 100)):
    images, labels = read(f"{prefix}-images-idx3-ubyte"), read(f"{prefix}-labels-idx1-ubyte")
    magic, count, rows, cols = struct.unpack(">4i", images[:16])
    assert magic == 0x803 and struct.unpack(">2i", labels[:8]) == (0x801, count)
    taken, keep = [0] * 10, []
    for i, label in enumerate(labels[8:]):
        if taken[label] < per_class:
            taken[label] += 1
            keep.append(i)
    assert taken == [per_class] * 10
    size = rows * cols
    write(f"{prefix}-images-idx3-ubyte", struct.pack(">4i", 0x803, len(keep), rows, cols),
          b"".join(images[16 + i * size:16 + (i + 1) * size] for i in keep))
    write(f"{prefix}-labels-idx1-ubyte", struct.pack(">2i", 0x801, len(keep)),
          bytes(labels[8 + i] for i in keep))
    print(f"{prefix}: {len(keep)} images, {per_class} per class")
