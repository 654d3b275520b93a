"""An answer cell that never ends and swallows every KeyboardInterrupt (the grader's
interrupt), so that the cell timeout can only end it by killing the kernel."""

# %% add_bias_column
while True:
    try:
        while True:
            pass
    except KeyboardInterrupt:
        pass
