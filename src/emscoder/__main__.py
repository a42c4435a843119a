from emscoder.cli import main

main()
