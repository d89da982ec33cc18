"""The tavlemøde: team boards, their case cards and the cards' first placement.

``db`` holds the team tables, ``boards`` keeps each team board's cards live,
``layout`` places a new card in its lane.
"""
