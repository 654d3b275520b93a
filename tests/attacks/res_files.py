"""Fill the disk and the memory with files: one file of 100 MB (over the largest file
allowed), then files of 60 MB each, 1.2 GB in all, in the working folder (on the grading
machine's disk) and 1.2 GB in /tmp (a tmpfs, held in memory)."""

# %% after add_bias_column
import os

block = b"\0" * (60 << 20)
try:
    with open("big.bin", "wb") as f:
        f.write(block + block)
    print("WROTE a 120 MB file")
except OSError as err:
    print("120 MB file refused:", type(err).__name__, err)
for folder in (".", "/tmp"):
    written = 0
    try:
        for i in range(20):
            with open(os.path.join(folder, f"fill{i}.bin"), "wb") as f:
                f.write(block)
            written += 60
    except OSError as err:
        print("refused in", folder, type(err).__name__)
    print(f"WROTE {written} MB in {folder}")
