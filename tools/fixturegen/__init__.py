"""The modules of tools/gen_fixtures.py, one per fixture family (see its docstring)."""
