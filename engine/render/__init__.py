"""Stage 6, render: findings as JSON, text and Markdown, and the catalogue as users browse it."""
