"""Reports: the dashboard, the evaluation report per dimension and the open-data figures.
Everything is computed by queries over the records; nothing imports this package."""
