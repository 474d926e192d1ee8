"""ssodeck: AWS IAM Identity Center from the terminal."""

__version__ = "0.1.0"
