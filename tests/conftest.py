"""Shared test set-up: one torch thread so parallel test runs don't oversubscribe two cores."""
import torch

torch.set_num_threads(1)
