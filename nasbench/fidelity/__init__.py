"""How far a surrogate can be trusted: the fidelity card, its Markdown, and strategy-ranking agreement.

Sits above the runner: the ranking check runs searches on table and surrogate."""
