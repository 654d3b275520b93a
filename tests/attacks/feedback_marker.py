"""A cell of the student's own holding nbgrader's hidden-test delimiter (an unclosed region
and a closed one in a comment), hoping to break or bend the feedback: every student, this one
included, must still get feedback."""

# %% after add_bias_column
# ### BEGIN HIDDEN TESTS
print("my own cell")

# %% after mse
# ### BEGIN HIDDEN TESTS
# ### END HIDDEN TESTS
print("my own region")
