"""The read side has no tables of its own: it reads communes, criteria and ocop."""
