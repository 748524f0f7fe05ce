return { keys = {}, messages = {} }
