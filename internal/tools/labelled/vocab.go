package labelled

import "strings"

// words splits a comma-separated list.
func words(s string) []string {
	var out []string
	for _, w := range strings.Split(s, ",") {
		if w = strings.TrimSpace(w); w != "" {
			out = append(out, w)
		}
	}
	return out
}

// legalForm is a legal form as written short and in full; prefix forms may also lead a name
// ("Kabushiki Kaisha Sakura Denki").
type legalForm struct {
	short, long string
	prefix      bool
}

// language is the vocabulary company and people names of one language are made of.
type language struct {
	surnames, places, industries, generics, given []string
	// connector joins a surname to family words ("& Söhne", "et Fils"); empty for none.
	connectors []string
	// and is the language's word for "and".
	and string
}

// country is where a company is registered: its language, legal forms and domain suffix.
type country struct {
	code  string
	lang  *language
	legal []legalForm
	tld   string
}

var english = &language{
	surnames: words(`Smith, Johnson, Williams, Brown, Jones, Miller, Davis, Wilson, Anderson, Taylor, Thomas,
		Moore, Jackson, Martin, Lee, Thompson, White, Harris, Clark, Lewis, Robinson, Walker, Young, Allen, King,
		Wright, Scott, Hill, Green, Adams, Baker, Nelson, Carter, Mitchell, Roberts, Turner, Phillips, Campbell,
		Parker, Evans, Edwards, Collins, Stewart, Morris, Murphy, Cook, Rogers, Morgan, Cooper, Peterson, Reed,
		Bailey, Bell, Kelly, Howard, Ward, Cox, Richardson, Wood, Watson, Brooks, Bennett, Gray, Hughes, Price,
		Sanders, Myers, Long, Ross, Foster, Powell, Jenkins, Perry, Russell, Sullivan, Fisher, Henderson, Coleman,
		Simmons, Patterson, Jordan, Reynolds, Hamilton, Graham, Wallace, Woods, Cole, Owens, Marshall, Gibson,
		Ellis, Stevens, Hayes, Murray, Ford, Wells, Kennedy, Butler, O'Brien, McDonald, MacLeod, O'Connor,
		Fitzgerald, Gallagher, Byrne, Ryan, Walsh, O'Sullivan, Doyle, McCarthy, Kavanagh, Singh, Patel, Sharma,
		Gupta, Kumar, Reddy, Iyer, Nair, Menon, Rao, Tan, Lim, Wong, Chua, Goh, Botha, Nkosi, Naidoo, Dlamini,
		Pillay, Whitfield, Ashworth, Blackwood, Pemberton, Hargreaves, Fairbanks, Thornton, Kingsley, Holloway`),
	places: words(`Cumberland, Pacific, Atlantic, Northern, Summit, Harbor, Riverside, Lakeside, Highland, Prairie,
		Redwood, Cedar, Granite, Silverline, Evergreen, Meridian, Keystone, Liberty, Heritage, Pioneer, Frontier,
		Coastal, Bayview, Oakwood, Pinecrest, Stonebridge, Westbrook, Eastgate, Northfield, Southport, Kingston,
		Windsor, Chester, Hampton, Ashford, Brighton, Clifton, Dover, Essex, Fairfax, Glendale, Hartford,
		Kensington, Lancaster, Madison, Newport, Oxford, Preston, Richmond, Sheffield, Trenton, Waverly,
		Yorkshire, Blue Ridge, Golden Gate, Silver Lake, Red Rock, Iron Horse, Great Plains, Twin Oaks,
		Maple Leaf, Rocky Mountain, Sandstone, Bluewater, Clearwater, Whitestone, Blackstone, Brightwater,
		Ironbridge, Copperfield, Greenfield, Fox Hollow, Eagle Point, Hawthorne, Juniper, Sequoia, Tidewater,
		Canyon, Mesa, Sierra, Cascade, Alpine, Aurora, Horizon, Vanguard, Sterling, Crescent, Pinnacle`),
	industries: words(`Logistics, Solar, Water, Renewables, Shipping, Capital, Consulting, Software, Foods,
		Pharmaceuticals, Healthcare, Energy, Construction, Engineering, Insurance, Media, Marketing, Analytics,
		Robotics, Aerospace, Textiles, Furniture, Properties, Realty, Motors, Steel, Mining, Chemicals, Biotech,
		Networks, Telecom, Security, Apparel, Brewing, Coffee, Bakery, Dental, Veterinary, Advisory, Investments,
		Finance, Payments, Lending, Travel, Hospitality, Hotels, Studios, Games, Education, Training,
		Recruiting, Staffing, Fitness, Nutrition, Cosmetics, Jewelry, Optics, Printing, Packaging, Plastics,
		Paper, Timber, Farms, Seeds, Fisheries, Marine, Aviation, Rail, Freight, Trucking, Storage, Data, Cloud,
		Digital, Design, Architecture, Interiors, Landscaping, Plumbing, Electric, Wind, Batteries, Medical,
		Diagnostics, Laboratories, Dairy, Orchards, Vineyards, Distillery, Outfitters, Tools, Machinery,
		Fabrication, Welding, Roofing, Glass, Ceramics, Semiconductors, Instruments, Devices, Pet Supplies`),
	generics: words(`International, Group, Holdings, Global, Solutions, Services, Industries, Enterprises,
		Technologies, Systems, Management, Associates, Brothers, Manufacturing, Partners, Worldwide, National,
		Development, Consolidated, Distribution, Products, Laboratories`),
	given: words(`James, Mary, Robert, Patricia, John, Jennifer, Michael, Linda, William, Elizabeth, David,
		Barbara, Richard, Susan, Joseph, Jessica, Thomas, Sarah, Charles, Karen, Christopher, Nancy, Daniel,
		Margaret, Matthew, Lisa, Anthony, Betty, Mark, Dorothy, Donald, Sandra, Steven, Ashley, Paul, Kimberly,
		Andrew, Emily, Joshua, Donna, Kenneth, Michelle, Kevin, Carol, Brian, Amanda, George, Melissa, Edward,
		Deborah, Ronald, Stephanie, Timothy, Rebecca, Jason, Laura, Jeffrey, Sharon, Ryan, Cynthia, Jacob,
		Kathleen, Gary, Amy, Nicholas, Shirley, Eric, Angela, Jonathan, Helen, Stephen, Anna, Larry, Brenda,
		Justin, Pamela, Scott, Nicole, Brandon, Samantha, Benjamin, Katherine, Samuel, Christine, Gregory,
		Rachel, Alexander, Catherine, Raymond, Patrick, Janet, Dennis, Heather, Diane, Priya, Arjun, Wei, Mei`),
	connectors: words(`& Sons, & Daughters, and Sons`),
	and:        "and",
}

var german = &language{
	surnames: words(`Müller, Schmidt, Schneider, Fischer, Weber, Meyer, Wagner, Becker, Schulz, Hoffmann,
		Schäfer, Koch, Bauer, Richter, Klein, Wolf, Schröder, Neumann, Schwarz, Zimmermann, Braun, Krüger,
		Hofmann, Hartmann, Lange, Schmitt, Werner, Schmitz, Krause, Meier, Lehmann, Schmid, Schulze, Maier,
		Köhler, Herrmann, König, Walter, Mayer, Huber, Kaiser, Fuchs, Peters, Lang, Scholz, Möller, Weiß, Jung,
		Hahn, Schubert, Vogel, Friedrich, Keller, Günther, Frank, Berger, Winkler, Roth, Beck, Lorenz, Baumann,
		Franke, Albrecht, Schuster, Simon, Ludwig, Böhm, Winter, Kraus, Schumacher, Krämer, Vogt, Stein, Jäger,
		Otto, Sommer, Groß, Seidel, Heinrich, Brandt, Haas, Schreiber, Graf, Schulte, Dietrich, Ziegler, Kühn,
		Pohl, Engel, Horn, Busch, Bergmann, Voigt, Sauer, Arnold, Wolff, Pfeiffer, Göbel, Brückner, Fröhlich`),
	places: words(`Bayern, Rhein, Elbe, Nord, Süd, Hansa, Alpen, Schwarzwald, Donau, Allgäu, Harz, Ostsee,
		Nordsee, Taunus, Eifel, Weser, Mosel, Saar, Isar, Spree, Havel, Lausitz, Franken, Schwaben, Westfalen,
		Sauerland, Rheingau, Bodensee, Erzgebirge, Odenwald, Spessart, Vogtland, Emsland, Altmark, Uckermark,
		Tirol, Kärnten, Steiermark, Wachau, Vorarlberg, Salzach, Zürichsee, Engadin, Emmental, Jura`),
	industries: words(`Maschinenbau, Logistik, Spedition, Bau, Elektrotechnik, Versicherung, Immobilien, Handel,
		Technik, Werkzeuge, Möbel, Brauerei, Bäckerei, Druckerei, Stahlbau, Verpackung, Software, Beratung,
		Energie, Solartechnik, Wasserwerke, Lebensmittel, Chemie, Pharma, Automobile, Reisen, Medien, Holzbau,
		Glaswerke, Metallbau, Kunststoffe, Textil, Optik, Gießerei, Schifffahrt, Anlagenbau, Feinmechanik,
		Fleischwaren, Getränke, Heizungsbau, Gerüstbau, Dachdeckerei, Landtechnik, Umwelttechnik, Messtechnik`),
	generics:   words(`Gruppe, Holding, International, Werke, Industrie, Systeme, Dienstleistungen, Partner, Service`),
	given:      words(`Jürgen, Günter, Jörg, Björn, Käthe, Uwe, Klaus, Hans, Sabine, Ursula, Renate, Monika, Wolfgang, Stefan, Andreas, Thomas, Michael, Katrin, Dörte, Jörn, Hannelore, Bärbel, Matthias, Tobias, Lukas, Lena, Jürgen, Götz, Helmut`),
	connectors: words(`& Söhne, & Sohn, & Partner`),
	and:        "und",
}

var french = &language{
	surnames: words(`Martin, Bernard, Dubois, Thomas, Robert, Richard, Petit, Durand, Leroy, Moreau, Simon,
		Laurent, Lefèbvre, Michel, Garcia, David, Bertrand, Roux, Vincent, Fournier, Morel, Girard, André,
		Lefèvre, Mercier, Dupont, Lambert, Bonnet, François, Legrand, Garnier, Faure, Rousseau, Blanc, Guérin,
		Henry, Roussel, Nicolas, Perrin, Morin, Mathieu, Clément, Gauthier, Dumont, Fontaine, Chevalier, Robin,
		Masson, Gérard, Boyer, Denis, Lemaire, Duval, Joly, Gautier, Roger, Roche, Noël, Lucas, Meunier,
		Marchand, Dufour, Blanchard, Barbier, Brun, Dumas, Brunet, Leroux, Colin, Renard, Arnaud, Rolland,
		Caron, Aubert, Giraud, Leclerc, Vidal, Bourgeois, Renaud, Lemoine, Picard, Gaillard, Lacroix, Fabre,
		Dupuis, Olivier, Hubert, Rivière, Le Gall, Guillaume, Moulin, Lecomte, Ménard, Fleury, Deschamps,
		Carpentier, Benoît, Maillard, Marchal, Aubry, Vasseur, Renault, Jacquet, Prévost, Poirier, Charpentier`),
	places: words(`Provence, Bretagne, Normandie, Alsace, Loire, Rhône, Atlantique, Méditerranée, Aquitaine,
		Bourgogne, Champagne, Savoie, Lorraine, Picardie, Gascogne, Vendée, Auvergne, Occitanie, Lutèce,
		Armor, Cévennes, Vosges, Ardennes, Camargue, Périgord, Quercy, Dauphiné, Berry, Anjou, Touraine,
		Wallonie, Brabant, Ardenne, Hainaut, Léman, Romandie`),
	industries: words(`Transports, Conseil, Assurances, Immobilier, Construction, Bâtiment, Logistique,
		Informatique, Énergie, Boulangerie, Pâtisserie, Vins, Cosmétiques, Parfums, Textiles, Menuiserie,
		Électricité, Plomberie, Ingénierie, Distribution, Alimentation, Fromagerie, Imprimerie, Emballages,
		Aéronautique, Pharmacie, Laboratoires, Chaudronnerie, Charpente, Maçonnerie, Travaux Publics, Négoce`),
	generics:   words(`Groupe, International, Industries, Services, Solutions, Partenaires, Holding, Technologies, Développement, Gestion`),
	given:      words(`Jérôme, François, Hélène, Cécile, Frédéric, Stéphane, Amélie, Zoé, Noël, Loïc, Gaël, Anaïs, Benoît, Élodie, Léa, Chloé, Théo, Jean, Pierre, Marie, Sophie, Nicolas, Julien, Céline, Aurélie, Mathéo, Inès, Thérèse, Rémi`),
	connectors: words(`et Fils, & Fils, et Frères`),
	and:        "et",
}

var spanish = &language{
	surnames: words(`García, Rodríguez, González, Fernández, López, Martínez, Sánchez, Pérez, Gómez, Martín,
		Jiménez, Ruiz, Hernández, Díaz, Moreno, Muñoz, Álvarez, Romero, Alonso, Gutiérrez, Navarro, Torres,
		Domínguez, Vázquez, Ramos, Gil, Ramírez, Serrano, Blanco, Molina, Morales, Suárez, Ortega, Delgado,
		Castro, Ortiz, Rubio, Marín, Sanz, Núñez, Iglesias, Medina, Garrido, Cortés, Castillo, Santos, Lozano,
		Guerrero, Cano, Prieto, Méndez, Cruz, Calvo, Gallego, León, Márquez, Herrera, Peña, Flores, Cabrera,
		Campos, Vega, Fuentes, Carrasco, Díez, Caballero, Reyes, Nieto, Aguilar, Pascual, Santana, Herrero,
		Lorenzo, Montero, Hidalgo, Giménez, Ibáñez, Ferrer, Durán, Benítez, Mora, Vargas, Arias, Carmona,
		Crespo, Román, Pastor, Soto, Sáez, Velasco, Moya, Soler, Parra, Esteban, Bravo, Gallardo, Rojas`),
	places: words(`Ibérica, Mediterráneo, Atlántico, Andalucía, Castilla, Galicia, Cantábrico, Levante, Pacífico,
		Azteca, Maya, Sierra Nevada, Valle, Monterrey, Jalisco, Bajío, Cataluña, Navarra, Aragón, Asturias,
		Guadalquivir, Ebro, Duero, Tajo, Costa Brava, Montserrat, Oaxaca, Sonora, Yucatán, Chiapas, Anáhuac,
		Sinaloa, Querétaro, Puebla, Tenochtitlan`),
	industries: words(`Construcciones, Transportes, Alimentos, Inmobiliaria, Consultores, Seguros, Ingeniería,
		Logística, Distribuciones, Energía, Bodegas, Textiles, Muebles, Farmacéutica, Comunicaciones, Aceites,
		Conservas, Maderas, Plásticos, Metalúrgica, Importaciones, Exportaciones, Laboratorios, Tecnología,
		Sistemas, Cerámicas, Hormigones, Mudanzas, Panificadora, Agrícola, Pesquera, Minera, Tequilera`),
	generics:   words(`Grupo, Internacional, Industrias, Servicios, Soluciones, Corporación, Holding, Global`),
	given:      words(`José, María, Jesús, Ángel, Raúl, Andrés, Martín, Álvaro, Óscar, Begoña, Inés, Sofía, Lucía, Nicolás, Julián, Ramón, Francisco, Javier, Carmen, Pilar, Dolores, Ignacio, Alejandro, Guadalupe, Enrique, Manuel, Íñigo, Agustín`),
	connectors: words(`e Hijos, y Asociados, Hermanos`),
	and:        "y",
}

var portuguese = &language{
	surnames: words(`Silva, Santos, Ferreira, Pereira, Oliveira, Costa, Rodrigues, Martins, Jesus, Sousa,
		Fernandes, Gonçalves, Gomes, Lopes, Marques, Alves, Almeida, Ribeiro, Pinto, Carvalho, Teixeira,
		Moreira, Correia, Mendes, Nunes, Soares, Vieira, Monteiro, Cardoso, Rocha, Raposo, Neves, Coelho, Cunha,
		Pires, Ramos, Reis, Simões, Antunes, Matos, Fonseca, Machado, Araújo, Barbosa, Tavares, Lourenço,
		Figueiredo, Azevedo, Freitas, Batista, Brandão, Magalhães, Conceição, Guimarães, Peixoto, Sampaio`),
	places: words(`Lusitânia, Atlântico, Minho, Douro, Tejo, Algarve, Alentejo, Beira, Paulista, Carioca,
		Amazônia, Nordeste, Cerrado, Pampa, Guanabara, Iguaçu, Minas Gerais, Bahia, Açores, Madeira, Ribatejo,
		Trás-os-Montes, Pantanal, Paraná, Capixaba, Mantiqueira`),
	industries: words(`Construções, Transportes, Alimentos, Engenharia, Comércio, Distribuição, Imobiliária,
		Seguros, Têxteis, Calçado, Vinhos, Cortiça, Metalurgia, Logística, Tecnologia, Agropecuária, Mineração,
		Energia, Informática, Confecções, Laticínios, Cerâmica, Papelaria, Farmacêutica`),
	generics:   words(`Grupo, Internacional, Indústrias, Serviços, Soluções, Participações, Holding`),
	given:      words(`João, José, Antônio, Conceição, Gonçalo, Sebastião, Mário, Tomás, Inês, Leonor, Graça, Luís, Fábio, Célia, Mônica, Vânia, Júlio, Sérgio, Cláudia, Márcia, André, Beatriz`),
	connectors: words(`& Filhos, e Filhos, & Irmãos`),
	and:        "e",
}

var italian = &language{
	surnames: words(`Rossi, Russo, Ferrari, Esposito, Bianchi, Romano, Colombo, Ricci, Marino, Greco, Bruno,
		Gallo, Conti, De Luca, Mancini, Costa, Giordano, Rizzo, Lombardi, Moretti, Barbieri, Fontana, Santoro,
		Mariani, Rinaldi, Caruso, Ferrara, Galli, Martini, Leone, Longo, Gentile, Martinelli, Vitale, Lombardo,
		Serra, Coppola, De Santis, D'Angelo, Marchetti, Parisi, Villa, Conte, Ferraro, Ferri, Fabbri, Bianco,
		Marini, Grasso, Valentini, Messina, Sala, De Angelis, Gatti, Pellegrini, Palumbo, Sanna, Farina, Rizzi,
		Monti, Cattaneo, Morelli, Amato, Silvestri, Mazza, Testa, Grassi, Pellegrino, Carbone, Giuliani,
		Benedetti, Barone, Rossetti, Caputo, Montanari, Guerra, Palmieri, Bernardi, Fiore, De Rosa, Bellini`),
	places: words(`Adriatica, Tirrenica, Lombarda, Toscana, Veneta, Emiliana, Sicula, Sarda, Ligure, Padana,
		Alpina, Mediterranea, Romana, Milanese, Napoletana, Piemontese, Umbra, Marchigiana, Calabra, Etna,
		Vesuvio, Dolomiti, Garda, Brianza, Langhe, Chianti, Cilento, Salento, Friulana, Trentina, Irpinia`),
	industries: words(`Costruzioni, Trasporti, Alimentari, Ingegneria, Immobiliare, Assicurazioni, Tessile,
		Arredamenti, Meccanica, Elettronica, Farmaceutici, Vini, Ceramiche, Calzature, Moda, Logistica,
		Informatica, Energia, Impianti, Metalli, Plastica, Edilizia, Oleificio, Caseificio, Pastificio,
		Cantine, Tipografia, Vetreria, Serramenti, Rubinetterie`),
	generics:   words(`Gruppo, Internazionale, Industrie, Servizi, Soluzioni, Holding, Italia`),
	given:      words(`Giuseppe, Giovanni, Francesco, Niccolò, Lucia, Chiara, Matteo, Lorenzo, Federica, Alessandro, Giulia, Andrea, Stefano, Paola, Roberta, Salvatore, Antonella, Davide, Nicolò, Ludovica, Pietro`),
	connectors: words(`& Figli, e Figli, Fratelli`),
	and:        "e",
}

var swedish = &language{
	surnames: words(`Andersson, Johansson, Karlsson, Nilsson, Eriksson, Larsson, Olsson, Persson, Svensson,
		Gustafsson, Pettersson, Jonsson, Jansson, Hansson, Bengtsson, Jönsson, Lindberg, Jakobsson, Magnusson,
		Olofsson, Lindström, Lindqvist, Lindgren, Axelsson, Bergström, Lundberg, Lundgren, Lundqvist, Mattsson,
		Berglund, Fredriksson, Sandberg, Henriksson, Forsberg, Sjöberg, Wallin, Engström, Eklund, Danielsson,
		Lundin, Håkansson, Björk, Bergman, Gunnarsson, Wikström, Samuelsson, Isaksson, Fransson, Bergqvist,
		Nyström, Holmberg, Arvidsson, Löfgren, Söderberg, Nyberg, Blomqvist, Claesson, Nordström, Mårtensson,
		Lundström, Viklund, Björklund, Eliasson, Pålsson, Berggren, Sandström, Nordin, Åberg, Hermansson,
		Ekström, Holmgren, Sundberg, Hedlund, Dahlberg, Hellström, Sjögren, Öberg, Månsson, Åkesson, Sundström`),
	places: words(`Norrland, Skåne, Småland, Dalarna, Göta, Svea, Nordic, Baltic, Mälardalen, Vättern, Öresund,
		Gotland, Värmland, Halland, Blekinge, Lappland, Jämtland, Uppland, Ångermanland, Härjedalen, Roslagen,
		Kolmården, Kinnekulle, Österlen, Bohuslän, Södertörn`),
	industries: words(`Bygg, Teknik, Transport, Konsult, Fastigheter, Maskin, Trä, Stål, Data, Elektro, Möbler,
		Livsmedel, Energi, Skog, Verkstad, Förvaltning, Handel, Media, Rör, Måleri, Städ, Åkeri, Snickeri,
		Plåt, Glas, Kyl, Mark, Revision, Bryggeri, Fiske`),
	generics:   words(`Gruppen, International, Holding, Industrier, Tjänster, Partner`),
	given:      words(`Åsa, Björn, Göran, Jörgen, Mårten, Märta, Lars, Anders, Karin, Ingrid, Sören, Åke, Gösta, Maja, Linnéa, Håkan, Sten, Birgitta, Ulf, Kerstin, Elin, Öjvind`),
	connectors: words(`& Söner, och Söner`),
	and:        "och",
}

var norwegian = &language{
	surnames: words(`Hansen, Johansen, Olsen, Larsen, Andersen, Pedersen, Nilsen, Kristiansen, Jensen, Karlsen,
		Johnsen, Pettersen, Eriksen, Haugen, Hagen, Johannessen, Andreassen, Jacobsen, Jørgensen, Halvorsen,
		Henriksen, Sørensen, Jakobsen, Moen, Gundersen, Iversen, Solberg, Svendsen, Eide, Knutsen, Martinsen,
		Paulsen, Bakken, Kristoffersen, Mathisen, Amundsen, Rasmussen, Lunde, Solheim, Berge, Nygård, Bakke,
		Fredriksen, Lien, Hauge, Andresen, Knudsen, Evensen, Sæther, Aas, Myhre, Hanssen, Haugland, Thomassen,
		Sivertsen, Simonsen, Berntsen, Sandvik, Rønning, Arnesen, Antonsen, Næss, Vik, Haug, Ellingsen, Thorsen,
		Edvardsen, Birkeland, Isaksen, Gulbrandsen, Ruud, Aasen, Strøm, Myklebust, Tangen, Ødegård, Eliassen,
		Helland, Bøe, Aune, Mikkelsen, Tveit, Brekke, Abrahamsen, Bjørnstad, Økland, Løvås, Bråten, Hølaas`),
	places: words(`Nordland, Vestland, Fjordkyst, Nordkapp, Trøndelag, Agder, Viken, Hordaland, Sogn, Finnmark,
		Troms, Østfold, Telemark, Romsdal, Lofoten, Sunnmøre, Hardanger, Jotunheimen, Helgeland, Vesterålen,
		Hallingdal, Gudbrandsdal, Østerdal, Jæren, Ryfylke`),
	industries: words(`Bygg, Entreprenør, Transport, Eiendom, Fisk, Havbruk, Shipping, Rederi, Elektro, Maskin,
		Teknikk, Regnskap, Rørlegger, Snekkeri, Tømrer, Energi, Kraft, Offshore, Marine, Treindustri, Mekaniske,
		Grøntanlegg, Sjømat, Laks, Betong`),
	generics:   words(`Gruppen, Holding, International, Service, Partner`),
	given:      words(`Bjørn, Øystein, Ståle, Sindre, Håkon, Kjersti, Ingrid, Jørgen, Tor, Sølvi, Ørjan, Åse, Kåre, Gunnhild, Terje, Siri, Eirik, Bård, Tove, Ragnhild, Øyvind`),
	connectors: words(`& Sønner`),
	and:        "og",
}

var danish = &language{
	surnames: words(`Nielsen, Jensen, Hansen, Pedersen, Andersen, Christensen, Larsen, Sørensen, Rasmussen,
		Jørgensen, Petersen, Madsen, Kristensen, Olsen, Thomsen, Christiansen, Poulsen, Johansen, Møller,
		Mortensen, Knudsen, Jakobsen, Mikkelsen, Olesen, Frederiksen, Laursen, Henriksen, Eriksen, Kristiansen,
		Clausen, Simonsen, Svendsen, Andreasen, Iversen, Jeppesen, Mogensen, Jespersen, Nissen, Lauridsen,
		Frandsen, Østergaard, Jepsen, Kjær, Carlsen, Vestergaard, Jessen, Nørgaard, Christoffersen, Skov,
		Søndergaard, Bertelsen, Bruun, Lassen, Bach, Gregersen, Friis, Steffensen, Kjeldsen, Bech, Krogh,
		Lauritsen, Mathiasen, Winther, Toft, Ravn, Mathiesen, Holst, Schou, Overgaard, Klausen, Hermansen,
		Thygesen, Ebbesen, Græsbøll, Ørsted, Åkjær, Bækgaard, Højgaard, Dyhr, Lærkholm`),
	places: words(`Nordsjælland, Jylland, Fyn, Limfjord, Vestjysk, Østjysk, Bornholm, Sjælland, Lolland,
		Himmerland, Thy, Mols, Djursland, Vendsyssel, Sønderjysk, Kattegat, Skagen, Møn, Ærø, Langeland,
		Salling, Hedeland, Gudenå, Vadehavet, Rømø`),
	industries: words(`Byg, Transport, Tømrer, Murer, VVS, Ejendomme, Maskinfabrik, Revision, Rådgivning, Fisk,
		Mejeri, Bryggeri, Møbler, Design, Energi, Vind, Anlæg, Entreprise, Handel, Grønt, Smedie, Glas,
		Køleteknik, Isolering, Snedkeri`),
	generics:   words(`Gruppen, Holding, International, Service, Partner`),
	given:      words(`Søren, Jørgen, Bjørn, Mette, Lærke, Niels, Freja, Asbjørn, Kåre, Birgitte, Ulrik, Sørine, Bodil, Jens, Ida, Torben, Hanne, Kirsten, Poul, Ove`),
	connectors: words(`& Søn, & Sønner`),
	and:        "og",
}

var finnish = &language{
	surnames: words(`Korhonen, Virtanen, Mäkinen, Nieminen, Mäkelä, Hämäläinen, Laine, Heikkinen, Koskinen,
		Järvinen, Lehtonen, Lehtinen, Saarinen, Salminen, Heinonen, Niemi, Heikkilä, Kinnunen, Salonen,
		Turunen, Salo, Laitinen, Tuominen, Rantanen, Karjalainen, Jokinen, Mattila, Savolainen, Lahtinen,
		Ahonen, Väisänen, Pöyhönen, Kärkkäinen, Ylönen, Räsänen`),
	places: words(`Suomi, Pohjola, Lappi, Karjala, Häme, Savo, Pirkanmaa, Uusimaa, Kainuu, Satakunta, Pohjanmaa,
		Ahvenanmaa, Saimaa, Päijänne, Kymenlaakso, Keski-Suomi`),
	industries: words(`Rakennus, Kuljetus, Metalli, Puu, Sähkö, Kone, Teknologia, Konsultointi, Kiinteistöt,
		Energia, Paperi, Elintarvike, Logistiikka, Putki, Maalaus, Saha, Kala, Leipomo`),
	generics: words(`Yhtymä, Group, International, Palvelut`),
	given:    words(`Jyrki, Päivi, Jussi, Sanna, Mikko, Tiina, Kalle, Hannele, Väinö, Sirpa, Timo, Marjatta, Jaana, Pekka, Tuula, Mäikki, Ilkka`),
	and:      "ja",
}

var dutch = &language{
	surnames: words(`de Jong, Jansen, de Vries, van den Berg, van Dijk, Bakker, Janssen, Visser, Smit, Meijer,
		de Boer, Mulder, de Groot, Bos, Vos, Peters, Hendriks, van Leeuwen, Dekker, Brouwer, de Wit, Dijkstra,
		Smits, de Graaf, van der Meer, van der Linden, Kok, Jacobs, de Haan, Vermeulen, van den Heuvel,
		van der Veen, van den Broek, de Bruijn, van der Heijden, Schouten, van Beek, Willems, van Vliet,
		van de Ven, Hoekstra, Maas, Verhoeven, Koster, van Dam, van der Wal, Prins, Blom, Huisman, Peeters,
		Maes, Claes, Goossens, Wouters, De Smet, Mertens, Verbruggen, Van Damme, Coppens, Vandenberghe`),
	places: words(`Holland, Zeeland, Friesland, Brabant, Limburg, Gelderland, Rijnmond, Twente, Veluwe,
		Waddenzee, Delta, Amstel, Vlaanderen, Kempen, Schelde, Achterhoek, Drenthe, Betuwe, Westland, Zaanstad,
		Haspengouw, Waasland, Meetjesland`),
	industries: words(`Bouw, Transport, Techniek, Installatietechniek, Vastgoed, Adviesgroep, Logistiek, Metaal,
		Scheepvaart, Bloemen, Kwekerij, Zuivel, Verzekeringen, Accountants, Machinebouw, Infra, Energie,
		Elektrotechniek, Schilders, Aannemers, Dakwerken, Hoveniers, Staalbouw, Glastuinbouw, Bakkerij`),
	generics:   words(`Groep, Holding, International, Diensten, Partners`),
	given:      words(`Jan, Pieter, Joost, Sanne, Lotte, Bram, Daan, Femke, Sjoerd, Anouk, Maarten, Ruud, Geert, Wouter, Marieke, Ingrid, Kees, Joris, Ilse, Wim`),
	connectors: words(`& Zonen, en Zonen`),
	and:        "en",
}

var polish = &language{
	surnames: words(`Nowak, Kowalski, Wiśniewski, Wójcik, Kowalczyk, Kamiński, Lewandowski, Zieliński,
		Szymański, Woźniak, Dąbrowski, Kozłowski, Jankowski, Mazur, Wojciechowski, Kwiatkowski, Krawczyk,
		Kaczmarek, Piotrowski, Grabowski, Zając, Pawłowski, Michalski, Król, Wieczorek, Jabłoński, Wróbel,
		Nowakowski, Majewski, Olszewski, Stępień, Malinowski, Jaworski, Adamczyk, Dudek, Nowicki, Pawlak,
		Górski, Witkowski, Walczak, Sikora, Baran, Rutkowski, Michalak, Szewczyk, Ostrowski, Tomaszewski,
		Pietrzak, Zalewski, Wróblewski, Gołębiowski, Żółkiewski, Łukasiewicz`),
	places: words(`Mazowsze, Pomorze, Śląsk, Małopolska, Wielkopolska, Podlasie, Warmia, Bałtyk, Wisła, Odra,
		Tatry, Karpaty, Mazury, Kaszuby, Kujawy, Podhale, Roztocze, Żuławy, Bieszczady, Sudety`),
	industries: words(`Budownictwo, Transport, Usługi, Handel, Logistyka, Meble, Stal, Energetyka, Informatyka,
		Doradztwo, Nieruchomości, Produkcja, Drewno, Spedycja, Elektronika, Inżynieria, Piekarnia, Mleczarnia,
		Okna, Instalacje, Poligrafia`),
	generics:   words(`Grupa, Holding, International, Polska, Serwis`),
	given:      words(`Łukasz, Małgorzata, Wojciech, Paweł, Grażyna, Bożena, Jerzy, Michał, Zofia, Krzysztof, Agnieszka, Tomasz, Jolanta, Bartłomiej, Elżbieta, Andrzej, Żaneta, Ryszard`),
	connectors: words(`i Synowie`),
	and:        "i",
}

var czech = &language{
	surnames: words(`Novák, Svoboda, Novotný, Dvořák, Černý, Procházka, Kučera, Veselý, Horák, Němec, Marek,
		Pospíšil, Pokorný, Hájek, Král, Jelínek, Růžička, Beneš, Fiala, Sedláček, Doležal, Zeman, Kolář,
		Navrátil, Čermák, Vaněk, Urban, Blažek, Kříž, Kovář, Štěpánek, Šimek, Bartoš, Vlček, Kratochvíl`),
	places: words(`Morava, Čechy, Vltava, Labe, Šumava, Krkonoše, Beskydy, Polabí, Haná, Slezsko, Jizera,
		Vysočina, Podyjí, Pálava, Orlice, Brdy, Krušnohoří, Valašsko, Slovácko`),
	industries: words(`Stavby, Doprava, Strojírna, Elektro, Obchod, Služby, Logistika, Technika, Nábytek, Pivovar,
		Sklárna, Energetika, Reality, Poradenství, Tiskárna, Kovovýroba, Pekárna, Zámečnictví`),
	generics:   words(`Group, Holding, Servis, International`),
	given:      words(`Jiří, Petr, Tomáš, Lukáš, Jana, Eva, Hana, Věra, Zdeněk, Miroslav, Marie, Kateřina, Jaroslav, Růžena, Přemysl, Dagmar, Libuše, Bořivoj`),
	connectors: words(`a Synové`),
	and:        "a",
}

var japanese = &language{
	surnames: words(`Sato, Suzuki, Takahashi, Tanaka, Watanabe, Ito, Yamamoto, Nakamura, Kobayashi, Kato, Yoshida,
		Yamada, Sasaki, Yamaguchi, Matsumoto, Inoue, Kimura, Hayashi, Shimizu, Yamazaki, Mori, Abe, Ikeda,
		Hashimoto, Yamashita, Ishikawa, Nakajima, Maeda, Fujita, Ogawa, Goto, Okada, Hasegawa, Murakami, Kondo,
		Ishii, Saito, Sakamoto, Endo, Aoki, Fujii, Nishimura, Fukuda, Ota, Miura, Okamoto, Matsuda, Nakagawa`),
	places: words(`Sakura, Fuji, Yamato, Kaisei, Nippon, Tokai, Kansai, Hokuriku, Kyushu, Shikoku, Tohoku, Chubu,
		Asahi, Hikari, Midori, Taiyo, Daiichi, Sanwa, Toyo, Seiwa, Meiji, Taisho, Heiwa, Kyoei, Shinwa, Tosho,
		Daiwa, Sanyo, Hokkai, Setouchi, Minato, Chuo, Kinki, Musashi, Sagami`),
	industries: words(`Kogyo, Shoji, Denki, Seisakusho, Kensetsu, Unyu, Shokai, Sangyo, Seiyaku, Shokuhin,
		Tsusho, Kikai, Kagaku, Butsuryu, Gomu, Insatsu, Kosan, Tekko, Zosen, Kaiun, Denshi, Kogei, Seiko,
		Jidosha, Kenzai, Fudosan, Shoken, Ginko`),
	generics: words(`Holdings, Group, International`),
	given:    words(`Hiroshi, Takashi, Yuki, Kenji, Akiko, Yoko, Satoshi, Naoko, Haruto, Sakura, Daisuke, Keiko, Shota, Misaki, Ryota, Emi, Kazuo, Tomoko`),
	and:      "and",
}

var countries = []*country{
	{"US", english, []legalForm{{"Inc.", "Incorporated", false}, {"LLC", "Limited Liability Company", false}, {"Corp.", "Corporation", false}, {"Co.", "Company", false}}, "com"},
	{"GB", english, []legalForm{{"Ltd", "Limited", false}, {"PLC", "Public Limited Company", false}, {"LLP", "Limited Liability Partnership", false}}, "co.uk"},
	{"CA", english, []legalForm{{"Inc.", "Incorporated", false}, {"Ltd.", "Limited", false}, {"Corp.", "Corporation", false}}, "ca"},
	{"AU", english, []legalForm{{"Pty Ltd", "Proprietary Limited", false}, {"Ltd", "Limited", false}}, "com.au"},
	{"IE", english, []legalForm{{"Ltd", "Limited", false}, {"DAC", "Designated Activity Company", false}, {"Teo.", "Teoranta", false}}, "ie"},
	{"ZA", english, []legalForm{{"(Pty) Ltd", "Proprietary Limited", false}, {"CC", "Close Corporation", false}}, "co.za"},
	{"SG", english, []legalForm{{"Pte. Ltd.", "Private Limited", false}}, "com.sg"},
	{"IN", english, []legalForm{{"Pvt. Ltd.", "Private Limited", false}, {"LLP", "Limited Liability Partnership", false}}, "in"},
	{"DE", german, []legalForm{{"GmbH", "Gesellschaft mit beschränkter Haftung", false}, {"AG", "Aktiengesellschaft", false}, {"KG", "Kommanditgesellschaft", false}, {"GmbH & Co. KG", "GmbH & Co. Kommanditgesellschaft", false}}, "de"},
	{"AT", german, []legalForm{{"GmbH", "Gesellschaft mit beschränkter Haftung", false}, {"AG", "Aktiengesellschaft", false}, {"OG", "Offene Gesellschaft", false}}, "at"},
	{"CH", german, []legalForm{{"AG", "Aktiengesellschaft", false}, {"GmbH", "Gesellschaft mit beschränkter Haftung", false}}, "ch"},
	{"FR", french, []legalForm{{"SA", "Société anonyme", false}, {"SARL", "Société à responsabilité limitée", false}, {"SAS", "Société par actions simplifiée", false}, {"EURL", "Entreprise unipersonnelle à responsabilité limitée", false}}, "fr"},
	{"BE", french, []legalForm{{"SA", "Société anonyme", false}, {"SPRL", "Société privée à responsabilité limitée", false}}, "be"},
	{"ES", spanish, []legalForm{{"S.A.", "Sociedad Anónima", false}, {"S.L.", "Sociedad Limitada", false}, {"S.L.U.", "Sociedad Limitada Unipersonal", false}}, "es"},
	{"MX", spanish, []legalForm{{"S.A. de C.V.", "Sociedad Anónima de Capital Variable", false}, {"S. de R.L. de C.V.", "Sociedad de Responsabilidad Limitada de Capital Variable", false}}, "com.mx"},
	{"PT", portuguese, []legalForm{{"Lda.", "Sociedade por Quotas", false}, {"S.A.", "Sociedade Anónima", false}}, "pt"},
	{"BR", portuguese, []legalForm{{"Ltda.", "Sociedade Limitada", false}, {"S.A.", "Sociedade Anônima", false}}, "com.br"},
	{"IT", italian, []legalForm{{"S.p.A.", "Società per Azioni", false}, {"S.r.l.", "Società a Responsabilità Limitata", false}, {"S.n.c.", "Società in Nome Collettivo", false}}, "it"},
	{"SE", swedish, []legalForm{{"AB", "Aktiebolag", false}, {"HB", "Handelsbolag", false}, {"AB (publ)", "Publikt aktiebolag", false}}, "se"},
	{"NO", norwegian, []legalForm{{"AS", "Aksjeselskap", false}, {"ASA", "Allmennaksjeselskap", false}, {"ANS", "Ansvarlig selskap", false}}, "no"},
	{"DK", danish, []legalForm{{"A/S", "Aktieselskab", false}, {"ApS", "Anpartsselskab", false}, {"I/S", "Interessentskab", false}}, "dk"},
	{"FI", finnish, []legalForm{{"Oy", "Osakeyhtiö", false}, {"Oyj", "Julkinen osakeyhtiö", false}, {"Ky", "Kommandiittiyhtiö", false}}, "fi"},
	{"NL", dutch, []legalForm{{"B.V.", "Besloten Vennootschap", false}, {"N.V.", "Naamloze Vennootschap", false}, {"V.O.F.", "Vennootschap onder firma", false}}, "nl"},
	{"PL", polish, []legalForm{{"sp. z o.o.", "Spółka z ograniczoną odpowiedzialnością", false}, {"S.A.", "Spółka Akcyjna", false}, {"sp.j.", "Spółka jawna", false}}, "pl"},
	{"CZ", czech, []legalForm{{"s.r.o.", "Společnost s ručením omezeným", false}, {"a.s.", "Akciová společnost", false}}, "cz"},
	{"JP", japanese, []legalForm{{"K.K.", "Kabushiki Kaisha", true}, {"Co., Ltd.", "Kabushiki Kaisha", true}, {"G.K.", "Godo Kaisha", true}}, "co.jp"},
}

// abbreviated are words of company names with the ways people shorten them, both directions.
var abbreviated = map[string][]string{
	"International": {"Intl", "Int'l", "Intl."}, "Management": {"Mgmt", "Mgmt."}, "Services": {"Svcs", "Svcs."},
	"Manufacturing": {"Mfg", "Mfg."}, "Brothers": {"Bros", "Bros."}, "Associates": {"Assoc", "Assocs."},
	"Technologies": {"Tech", "Techs"}, "Holdings": {"Hldgs", "Hldgs."}, "Systems": {"Sys", "Sys."},
	"National": {"Natl", "Nat'l"}, "Development": {"Dev", "Devel."}, "Distribution": {"Dist", "Distr."},
	"Enterprises": {"Ent", "Ents."}, "Products": {"Prods"}, "Laboratories": {"Labs", "Lab"},
	"Engineering": {"Eng", "Engg"}, "Consulting": {"Consult."}, "Group": {"Grp"},
	"Pharmaceuticals": {"Pharma", "Pharm."}, "Telecom": {"Telecommunications"}, "Properties": {"Props"},
	"Investments": {"Invest."}, "Insurance": {"Ins."}, "Medical": {"Med."}, "Construction": {"Constr."},
	"Industries": {"Inds", "Ind."}, "Solutions": {"Solns"}, "Marketing": {"Mktg"}, "Equipment": {"Equip."},
}

// nicknamed are given names and the short forms people go by.
var nicknamed = map[string][]string{
	"Robert": {"Bob", "Rob", "Bobby"}, "Elizabeth": {"Liz", "Beth", "Betty"}, "William": {"Bill", "Will"},
	"Richard": {"Rick", "Dick", "Rich"}, "James": {"Jim", "Jimmy"}, "Margaret": {"Maggie", "Peggy", "Meg"},
	"Michael": {"Mike"}, "Jennifer": {"Jen", "Jenny"}, "Katherine": {"Kate", "Kathy"}, "Thomas": {"Tom"},
	"Christopher": {"Chris"}, "Daniel": {"Dan", "Danny"}, "Joseph": {"Joe"}, "Anthony": {"Tony"},
	"Patricia": {"Pat", "Trish"}, "Edward": {"Ed", "Ted"}, "Kenneth": {"Ken"}, "Samantha": {"Sam"},
	"Samuel": {"Sam"}, "Benjamin": {"Ben"}, "Alexander": {"Alex"}, "Nicholas": {"Nick"}, "Rebecca": {"Becky"},
	"Stephen": {"Steve"}, "Steven": {"Steve"}, "Timothy": {"Tim"}, "Gregory": {"Greg"}, "Matthew": {"Matt"},
	"Andrew": {"Andy", "Drew"}, "Jonathan": {"Jon"}, "Jacob": {"Jake"}, "Susan": {"Sue"}, "Pamela": {"Pam"},
	"Deborah": {"Deb", "Debbie"}, "Kimberly": {"Kim"}, "Catherine": {"Cathy", "Kate"}, "Raymond": {"Ray"},
	"Donald": {"Don"}, "Ronald": {"Ron"}, "Jessica": {"Jess"}, "Kathleen": {"Kathy"}, "Dennis": {"Denny"},
	"Johann": {"Hans"}, "Francisco": {"Paco"}, "José": {"Pepe"}, "Giuseppe": {"Beppe"}, "Dolores": {"Lola"},
	"Ignacio": {"Nacho"}, "Guadalupe": {"Lupe"}, "Enrique": {"Quique"}, "Manuel": {"Manolo"},
}
