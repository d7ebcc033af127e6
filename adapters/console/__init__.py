"""The local console: a real chat in the terminal, playing any number of people."""
