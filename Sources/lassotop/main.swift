print("lassotop: not wired yet")
