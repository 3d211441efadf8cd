"""Examples of using nasbench from outside the package (a plug-in strategy)."""
