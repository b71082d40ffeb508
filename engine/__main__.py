from fazhi.cli.main import main

main()
