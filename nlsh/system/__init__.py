"""Reading the live system (psutil and /proc) into plain typed values. No side effects."""
