#!/usr/bin/env python
from netral.__main__ import main

if __name__ == "__main__":
    main()
