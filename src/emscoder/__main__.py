from emscoder.cli import main

if __name__ == "__main__":  # worker processes of `code --workers N` import this module: never run the CLI there
    main()
