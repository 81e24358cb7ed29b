"""codepal-gen: a templating compiler for CodePal's infrastructure."""

__version__ = "0.1.0"
