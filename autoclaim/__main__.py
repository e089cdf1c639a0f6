from autoclaim.cli import app

app()
