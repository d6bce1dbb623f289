"""What nlsh knows about the world outside the sentence: common programs (``programs``)."""
