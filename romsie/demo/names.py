"""Invented but plausible French names for the demo territory: people, towns, schools, streets.

The lists mix the names of the generations involved (pupils born around 2012-2021,
parents and staff born around 1965-1995) and the diversity of a French town, accents,
apostrophes, particles and compound names included, so that search, sorting and
username folding meet realistic data.
"""


def _split(text: str) -> tuple[str, ...]:
    """Return the comma-separated names of ``text`` (kept as paragraphs so the lists stay readable)."""
    return tuple(name.strip() for name in text.split(",") if name.strip())


GIRLS = _split(
    """
    Emma, Jade, Louise, Alice, Chloé, Lina, Léa, Rose, Anna, Mila, Inès, Ambre, Julia, Mia, Léna, Manon, Juliette,
    Lou, Zoé, Camille, Agathe, Jeanne, Lucie, Éva, Nina, Sarah, Romane, Inaya, Charlotte, Léonie, Romy, Adèle,
    Iris, Louna, Margaux, Clémence, Victoire, Lana, Capucine, Anaïs, Éloïse, Maëlys, Clara, Océane, Yasmine, Nour,
    Aya, Maryam, Héloïse, Salomé, Apolline, Élise, Gabrielle, Maïwenn, Noémie, Thaïs, Soline, Constance, Mathilde,
    Emmy, Alba, Giulia, Amira, Fatoumata, Aïssata, Kenza, Lyna, Célia, Naïa, Maëlle, Zélie, Bérénice, Anouk, Liv,
    Assia, Mélina
    """
)

BOYS = _split(
    """
    Gabriel, Léo, Raphaël, Arthur, Louis, Jules, Adam, Maël, Lucas, Hugo, Noah, Liam, Gabin, Sacha, Paul, Nathan,
    Aaron, Mohamed, Ethan, Tom, Éden, Léon, Noé, Tiago, Théo, Isaac, Marius, Victor, Martin, Naël, Mathéo, Timéo,
    Axel, Antoine, Enzo, Clément, Baptiste, Évan, Loïc, Mathis, Nolan, Rayan, Ibrahim, Youssef, Amir, Samuel, Côme,
    Malo, Titouan, Eliott, Kylian, Mamadou, Ilyès, Valentin, Maxence, Elouan, Joachim, Benjamin, Thomas, Alexandre,
    Yanis, Ismaël, Bastien, Gaspard, Augustin, Oscar, Esteban, Lenny, Kaïs, Anas, Joseph, Aurèle, Noa, Wassim,
    Younès, Lohan
    """
)

WOMEN = _split(
    """
    Nathalie, Isabelle, Sylvie, Stéphanie, Sandrine, Céline, Aurélie, Émilie, Julie, Caroline, Virginie, Laëtitia,
    Élodie, Audrey, Mélanie, Vanessa, Sophie, Valérie, Karine, Delphine, Séverine, Christelle, Anne, Hélène,
    Claire, Marion, Amandine, Laure, Gaëlle, Cécile, Agnès, Véronique, Béatrice, Florence, Pauline, Charlotte,
    Élise, Anaïs, Jennifer, Fatima, Nadia, Samira, Leïla, Malika, Aminata, Mariama, Ana, Sonia, Magali, Nadège,
    Estelle, Coralie, Morgane, Solène, Maëlle, Anne-Sophie, Marie-Laure, Bérénice, Noémie, Ophélie, Chloé, Myriam,
    Khadija, Linh, Soazig, Marie-Hélène, Joëlle, Gwenaëlle
    """
)

MEN = _split(
    """
    Nicolas, Sébastien, Julien, Stéphane, Christophe, Frédéric, Jérôme, Laurent, David, Olivier, Cédric, Mickaël,
    Guillaume, Benoît, Vincent, Thierry, Éric, Philippe, Arnaud, Jean-Baptiste, François, Loïc, Grégory, Yann,
    Damien, Romain, Fabien, Emmanuel, Xavier, Mathieu, Thomas, Alexandre, Antoine, Pierre, Jean-Marc, Pascal,
    Hervé, Franck, Karim, Mohamed, Rachid, Samir, Mehdi, Moussa, Mamadou, João, Luís, Hakim, Bruno, Gaël, Hugues,
    Anthony, Jonathan, Kévin, Ludovic, Rémi, Aurélien, Gilles, Yannick, Joël, Didier, Thibault, Raphaël, Florian,
    Maxime, Jean-Luc, Cyril, Jérémy, Tanguy, Minh
    """
)

SURNAMES = _split(
    """
    Martin, Bernard, Dubois, Thomas, Robert, Richard, Petit, Durand, Leroy, Moreau, Simon, Laurent, Lefèvre,
    Michel, Garcia, David, Bertrand, Roux, Vincent, Fournier, Morel, Girard, André, Lefebvre, Mercier, Dupont,
    Lambert, Bonnet, François, Martinez, Legrand, Garnier, Faure, Rousseau, Blanc, Guérin, Muller, Henry, Roussel,
    Nicolas, Perrin, Morin, Mathieu, Clément, Gauthier, Dumont, Lopez, Fontaine, Chevalier, Robin, Masson, Sanchez,
    Gérard, Nguyen, Boyer, Denis, Lemaire, Duval, Joly, Gautier, Roger, Roche, Roy, Noël, Meyer, Lucas, Meunier,
    Jean, Pérez, Marchand, Dufour, Blanchard, Marie, Barbier, Brun, Dumas, Brunet, Schmitt, Leroux, Colin,
    Fernandez, Pierre, Renard, Arnaud, Rolland, Caron, Aubert, Giraud, Leclerc, Vidal, Bourgeois, Renaud, Lemoine,
    Picard, Gaillard, Philippe, Leclercq, Lacroix, Fabre, Dupuis, Olivier, Rodriguez, Da Silva, Hubert, Louis,
    Charles, Guillot, Rivière, Le Gall, Guillaume, Adam, Rey, Moulin, Gonzalez, Berger, Lecomte, Ménard, Fleury,
    Deschamps, Carpentier, Julien, Benoît, Paris, Maillard, Marchal, Aubry, Vasseur, Le Roux, Renault, Jacquet,
    Collet, Prévost, Poirier, Charpentier, Royer, Huet, Baron, Dupuy, Pons, Paul, Laîné, Carré, Breton, Rémy,
    Schneider, Perrot, Guyot, Barre, Marty, Cousin, N'Diaye, Diallo, Traoré, Benali, Haddad, Mansouri, Boucher,
    Kowalski, Nowak, Ferreira, Pereira, Dos Santos, Müller-Durand, Le Goff, Le Bihan, Kerbrat, Tran, Lê, Pham,
    Cissé, Koné, Camara, Bensaïd, Belkacem, Ouédraogo, Yılmaz, Da Costa, Rossi, Bianchi, D'Angelo, de La Fontaine,
    Saint-Martin, Lemaître, Hoarau, Payet, Grondin, Étienne, Bréhier, Chollet, Thébault, Gaudin, Lebœuf,
    Desfontaines, Ben Ahmed, El Idrissi, Amrani
    """
)

#: Invented towns; the first one is the town of the default demo.
TOWN_STEMS = _split(
    """
    Romsie, Valbrune, Clairmoulin, Bellerive, Hautefeuille, Roncelles, Morvanges, Sainte-Aure, Brévilly,
    Châtelroux, Fontbrune, Lormeau, Vaudrecourt, Saint-Ambroise, Pierrelune, Essonval, Courbeval, Marbois,
    Montaurel, Vaulmondois, Grandpré, Les Aulnaies, Orbeville, Saint-Jorand, Trémoux, Beaumesnil
    """
)
TOWN_SUFFIXES = ("-sur-Seine", "-en-Brie", "-sur-Marne", "-les-Bois", "-la-Forêt", "-sur-Loing")

#: People a school may be named after (a common French custom), and place-like names.
SCHOOL_NAMESAKES = _split(
    """
    Jules Ferry, Jean Jaurès, Victor Hugo, Jean Moulin, Louise Michel, Marie Curie, Paul Langevin, Jacques Prévert,
    Jean de La Fontaine, Simone Veil, Albert Camus, Antoine de Saint-Exupéry, George Sand, Colette,
    Joséphine Baker, Gisèle Halimi, Lucie Aubrac, Germaine Tillion, Olympe de Gouges, Rosa Parks, Nelson Mandela,
    Condorcet, Jean Macé, Paul Éluard, Robert Desnos, Jules Verne, Alexandre Dumas, Claude Monet, Marcel Pagnol,
    René Goscinny, Aimé Césaire, Léopold Sédar Senghor, Simone de Beauvoir, Françoise Dolto, Marie Marvingt,
    Les Tilleuls, Les Marronniers, Le Petit Prince, Les Coquelicots, Les Cerisiers, Le Parc, Les Prés Verts,
    La Source, Les Hirondelles, Pasteur, Anne Frank, Samuel Paty, Marie Laurencin
    """
)

STREETS = _split(
    """
    rue des Écoles, avenue de la République, rue Jules Ferry, boulevard Victor Hugo, place de la Mairie,
    rue du Général de Gaulle, chemin des Vignes, allée des Tilleuls, rue Pasteur, rue de la Gare,
    avenue Jean Jaurès, rue du Moulin, rue des Lilas, rue de l'Église, impasse des Peupliers, rue Émile Zola,
    quai de Seine, rue des Prés, avenue du 8 Mai 1945, rue d'Estienne d'Orves
    """
)

#: Associations working with collèges (invented).
ASSOCIATIONS = _split(
    """
    Romsie Sciences en fête, Lire ensemble en Brie, Théâtre des Deux Rives, Club de robotique du Val
    """
)
