from tandem.tui.cli.main import main

main()
