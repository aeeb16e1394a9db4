from tandem.tui.cli import main

main()
