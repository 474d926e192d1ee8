from headless.cli import main

main()
