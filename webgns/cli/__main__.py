from webgns.cli.main import run

run()
