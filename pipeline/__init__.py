"""Central Kitchen: collect once, render many renditions, publish on many channels."""

__version__ = "0.1.0"
