"""A stand-in for a new app that puts a page in the menu (tests/ui/test_navigation.py)."""
