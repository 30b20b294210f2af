"""The Smart City Masterplan: period, six dimensions, items per year, realisation."""
