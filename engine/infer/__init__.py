"""Stage 4, infer: the Rete engine (durable-rules). inference.py is the only module that imports it."""
