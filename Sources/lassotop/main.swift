print("lassotop")
