"""Stand-in for mlflow in the benchmark: the original library imports mlflow at module level, and the
benchmark never asks it to log (use_ml_flow=False), so nothing here is ever called."""
